// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for the in-kernel API of ELF modules (include/linux/umh_elf.h)
 * and for request_module() of ELF modules, in the spirit of test_kmod.c.
 *
 * Writing a command to /sys/kernel/debug/test_umh_elf/run runs it; the
 * write returns the length written on success, or the error the command
 * met, so a shell or a selftest reads the result from errno:
 *
 *   echo NAME THREADS CALLS SIZE TIMEOUT_MS
 *	THREADS kernel threads each make CALLS round trips through the ELF
 *	module NAME with SIZE-byte requests, and check that every reply is
 *	a copy of its request (-EBADMSG if not);
 *   call NAME SIZE TIMEOUT_MS
 *	one round trip;
 *   tagged NAME TAG ARG TIMEOUT_MS
 *	one round trip with a request that test_module.c reads as a command
 *	(TAG and ARG are its fifth and sixth bytes, see answer() there);
 *   files NAME N TIMEOUT_MS
 *	one call with N files, each holding "file I\n", which the module
 *	answers with what they hold: -EBADMSG if that is not what it says;
 *   events NAME N TIMEOUT_MS
 *	with an event handler set, a tagged call that makes the module send
 *	N events before its reply: -EBADE if the handler did not see N;
 *   loop NAME MS TIMEOUT_MS
 *	round trips through one reference, one after the other, for MS ms
 *	(across restarts of the module); logs how many succeeded and how
 *	many failed with -EPIPE; fails with the first other error, or with
 *	that of the last call;
 *   get NAME
 *	umh_elf_get() then umh_elf_put();
 *   find NAME
 *	umh_elf_find() then umh_elf_put(): its error if it does not run;
 *   gets NAME THREADS
 *	THREADS kernel threads call umh_elf_get(NAME) at once, then put it;
 *	each must succeed;
 *   hold NAME / release
 *	umh_elf_get(), with the reference kept until "release";
 *   heldcall SIZE TIMEOUT_MS
 *	one round trip through the reference "hold" keeps (across restarts
 *	of the module: a call waits for the next instance to be ready);
 *   request NAME THREADS
 *	THREADS kernel threads call request_module(NAME) at once; each must
 *	return 0 (a positive modprobe status counts as -ENOENT);
 *   nowait NAME
 *	request_module_nowait(NAME): its return value;
 *   expect NAME THREADS RESULT
 *	THREADS kernel threads call request_module(NAME) at once; each must
 *	return RESULT (0, a -errno, or the wait status of modprobe), or the
 *	command fails with -EBADE;
 *   expect_each PREFIX THREADS RESULT
 *	the same, but thread I requests PREFIX followed by I: as many names
 *	as threads;
 *   wake
 *	let every reader of /sys/kernel/debug/test_umh_elf/dstate go on, a file
 *	whose read() sleeps uninterruptibly (D state, deaf to SIGKILL) until
 *	then, or for at most a minute: what a process stuck in a driver
 *	looks like, for the tests of stopping a module that cannot die.
 *
 * With boot_get=NAME (test_umh_elf.boot_get=NAME on the command line when
 * built in), the driver's init calls umh_elf_get(NAME) and logs the outcome
 * and how long it took: a built-in ELF module used during boot.
 *
 * The benchmark's kernel-side baselines are in a module of their own,
 * tools/testing/selftests/umh_elf/bench/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/kmod.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/umh_elf.h>

#define TEST_UMH_ELF_NAME_MAX	64
#define TEST_UMH_ELF_THREADS	256

/**
 * struct test_umh_elf_job - what one kernel thread of a command does
 * @name: module name
 * @id: thread number, mixed into the payload
 * @calls: round trips to make (echo) or unused (request)
 * @size: request size
 * @timeout: per call, in jiffies
 * @em: the module (echo)
 * @expect: what request_module() must return (expect)
 * @each: add @id to @name (expect_each)
 * @err: the result
 * @done: completed when the thread is finished
 */
struct test_umh_elf_job {
	const char *name;
	unsigned int id;
	unsigned int calls;
	size_t size;
	unsigned long timeout;
	struct umh_elf *em;
	int expect;
	bool each;
	int err;
	struct completion done;
};

/* The module kept by "hold"; test_umh_elf_lock protects it. */
static DEFINE_MUTEX(test_umh_elf_lock);
static struct umh_elf *test_umh_elf_held;
static struct dentry *test_umh_elf_dir;

/* Readers of the dstate file sleep until @test_umh_elf_dstate_gen moves. */
#define TEST_UMH_ELF_DSTATE_MAX	(60 * HZ)
static DECLARE_WAIT_QUEUE_HEAD(test_umh_elf_dstate_wq);
static atomic_t test_umh_elf_dstate_gen;

static ssize_t test_umh_elf_dstate_read(struct file *file, char __user *ubuf,
					size_t count, loff_t *ppos)
{
	int gen = atomic_read(&test_umh_elf_dstate_gen);

	wait_event_timeout(test_umh_elf_dstate_wq,
			   atomic_read(&test_umh_elf_dstate_gen) != gen,
			   TEST_UMH_ELF_DSTATE_MAX);
	return 0;
}

static const struct file_operations test_umh_elf_dstate_fops = {
	.owner = THIS_MODULE,
	.read = test_umh_elf_dstate_read,
};

static int test_umh_elf_wake(void)
{
	atomic_inc(&test_umh_elf_dstate_gen);
	wake_up_all(&test_umh_elf_dstate_wq);
	return 0;
}

static void test_umh_elf_fill(u8 *buf, size_t size, unsigned int id,
			      unsigned int call)
{
	size_t i;

	for (i = 0; i < size; i++)
		buf[i] = (u8)(id * 31 + call * 7 + i);
}

static int test_umh_elf_round_trips(struct test_umh_elf_job *job)
{
	u8 *req, *reply;
	unsigned int call;
	ssize_t n;
	int err = 0;

	req = kvmalloc(job->size + 1, GFP_KERNEL);
	reply = kvmalloc(job->size + 1, GFP_KERNEL);
	if (!req || !reply) {
		err = -ENOMEM;
		goto out;
	}
	for (call = 0; call < job->calls && !err; call++) {
		test_umh_elf_fill(req, job->size, job->id, call);
		n = umh_elf_call(job->em, req, job->size, reply, job->size + 1,
				 job->timeout);
		if (n < 0)
			err = n;
		else if (n != job->size || memcmp(req, reply, n))
			err = -EBADMSG;
	}
out:
	kvfree(req);
	kvfree(reply);
	return err;
}

static int test_umh_elf_echo_thread(void *data)
{
	struct test_umh_elf_job *job = data;

	job->err = test_umh_elf_round_trips(job);
	complete(&job->done);
	return 0;
}

static int test_umh_elf_request_thread(void *data)
{
	struct test_umh_elf_job *job = data;
	int ret;

	ret = request_module("%s", job->name);
	job->err = ret > 0 ? -ENOENT : ret;
	complete(&job->done);
	return 0;
}

static int test_umh_elf_get_thread(void *data)
{
	struct test_umh_elf_job *job = data;
	struct umh_elf *em;

	em = umh_elf_get(job->name);
	job->err = PTR_ERR_OR_ZERO(em);
	if (!IS_ERR(em))
		umh_elf_put(em);
	complete(&job->done);
	return 0;
}

static int test_umh_elf_expect_thread(void *data)
{
	struct test_umh_elf_job *job = data;
	char name[TEST_UMH_ELF_NAME_MAX + 12];
	int ret;

	if (job->each)
		snprintf(name, sizeof(name), "%s%u", job->name, job->id);
	else
		strscpy(name, job->name);
	ret = request_module("%s", name);
	job->err = 0;
	if (ret != job->expect) {
		pr_info("request_module(%s): %d, expected %d\n", name, ret,
			job->expect);
		job->err = -EBADE;
	}
	complete(&job->done);
	return 0;
}

/* Run @fn in @threads kernel threads at once; the first error wins. */
static int test_umh_elf_run_threads(int (*fn)(void *),
				    const struct test_umh_elf_job *tmpl,
				    unsigned int threads)
{
	struct test_umh_elf_job *jobs;
	struct task_struct *t;
	unsigned int i, started;
	int err = 0;

	if (!threads || threads > TEST_UMH_ELF_THREADS)
		return -EINVAL;
	jobs = kcalloc(threads, sizeof(*jobs), GFP_KERNEL);
	if (!jobs)
		return -ENOMEM;
	for (started = 0; started < threads; started++) {
		jobs[started] = *tmpl;
		jobs[started].id = started;
		init_completion(&jobs[started].done);
		t = kthread_run(fn, &jobs[started], "test_umh_elf/%u", started);
		if (IS_ERR(t)) {
			err = PTR_ERR(t);
			break;
		}
	}
	for (i = 0; i < started; i++) {
		wait_for_completion(&jobs[i].done);
		if (!err && jobs[i].err) {
			err = jobs[i].err;
			pr_info("thread %u: %d\n", i, err);
		}
	}
	kfree(jobs);
	return err;
}

static int test_umh_elf_echo(const char *name, unsigned int threads,
			     unsigned int calls, size_t size,
			     unsigned int timeout_ms)
{
	struct test_umh_elf_job tmpl = {
		.name = name,
		.calls = calls,
		.size = size,
		.timeout = msecs_to_jiffies(timeout_ms),
	};
	int err;

	tmpl.em = umh_elf_get(name);
	if (IS_ERR(tmpl.em))
		return PTR_ERR(tmpl.em);
	err = test_umh_elf_run_threads(test_umh_elf_echo_thread, &tmpl,
				       threads);
	umh_elf_put(tmpl.em);
	return err;
}

/* Pause after a failed call of "loop", so that it does not spin. */
#define TEST_UMH_ELF_LOOP_PAUSE_MS	1

static int test_umh_elf_loop(const char *name, unsigned int ms,
			     unsigned int timeout_ms)
{
	struct test_umh_elf_job job = {
		.calls = 1,
		.size = 64,
		.timeout = msecs_to_jiffies(timeout_ms),
	};
	unsigned long end = jiffies + msecs_to_jiffies(ms);
	unsigned int ok = 0, epipe = 0;
	int err = 0, last = 0;

	job.em = umh_elf_get(name);
	if (IS_ERR(job.em))
		return PTR_ERR(job.em);
	while (time_before(jiffies, end) && !fatal_signal_pending(current)) {
		last = test_umh_elf_round_trips(&job);
		job.id++;
		if (!last) {
			ok++;
			continue;
		}
		if (last != -EPIPE) {
			err = last;
			break;
		}
		epipe++;
		msleep(TEST_UMH_ELF_LOOP_PAUSE_MS);
	}
	pr_info("loop %s: %u ok, %u EPIPE, last %d\n", name, ok, epipe, last);
	umh_elf_put(job.em);
	return err ?: last;
}

/* The command prefix of test_module.c: "umh!", tag, argument. */
#define TEST_UMH_ELF_TAG_LEN	16
#define TEST_UMH_ELF_TAG_EVENTS	0xfb

static int test_umh_elf_tagged_em(struct umh_elf *em, unsigned int tag,
				  unsigned int arg, unsigned int timeout_ms)
{
	u8 req[TEST_UMH_ELF_TAG_LEN] = "umh!";
	/* Slack past the room given: a reply copied too far lands there. */
	u8 reply[TEST_UMH_ELF_TAG_LEN + 128];
	ssize_t n;

	req[4] = tag;
	req[5] = arg;
	n = umh_elf_call(em, req, sizeof(req), reply, sizeof(req),
			 msecs_to_jiffies(timeout_ms));
	if (n < 0)
		return n;
	return n == sizeof(req) && !memcmp(req, reply, n) ? 0 : -EBADMSG;
}

static int test_umh_elf_tagged(const char *name, unsigned int tag,
			       unsigned int arg, unsigned int timeout_ms)
{
	struct umh_elf *em = umh_elf_get(name);
	int err;

	if (IS_ERR(em))
		return PTR_ERR(em);
	err = test_umh_elf_tagged_em(em, tag, arg, timeout_ms);
	umh_elf_put(em);
	return err;
}

static void test_umh_elf_count_event(void *data, const void *msg, size_t len)
{
	atomic_inc(data);
}

static int test_umh_elf_events(const char *name, unsigned int count,
			       unsigned int timeout_ms)
{
	atomic_t seen = ATOMIC_INIT(0);
	struct umh_elf *em;
	int err;

	em = umh_elf_get(name);
	if (IS_ERR(em))
		return PTR_ERR(em);
	err = umh_elf_set_event_handler(em, test_umh_elf_count_event, &seen);
	if (!err) {
		err = test_umh_elf_tagged_em(em, TEST_UMH_ELF_TAG_EVENTS,
					     count, timeout_ms);
		umh_elf_set_event_handler(em, NULL, NULL);
	}
	if (!err && atomic_read(&seen) != count) {
		pr_info("%d events seen, %u sent\n", atomic_read(&seen), count);
		err = -EBADE;
	}
	umh_elf_put(em);
	return err;
}

/* A shmem file that holds "file @i\n". */
static struct file *test_umh_elf_file(unsigned int i, char *text, size_t size)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t n;

	snprintf(text, size, "file %u\n", i);
	file = shmem_kernel_file_setup("test_umh_elf", 0, 0);
	if (IS_ERR(file))
		return file;
	n = kernel_write(file, text, strlen(text), &pos);
	if (n != strlen(text)) {
		fput(file);
		return ERR_PTR(n < 0 ? n : -EIO);
	}
	return file;
}

static int test_umh_elf_files_em(struct umh_elf *em, unsigned int nr,
				 unsigned int timeout_ms)
{
	struct file *files[ELF_MODULE_FDS_MAX + 1];
	char expect[160] = "", text[16], reply[160];
	unsigned int i, made;
	ssize_t n;

	if (nr > ARRAY_SIZE(files))
		return -EINVAL;
	for (made = 0; made < nr; made++) {
		files[made] = test_umh_elf_file(made, text, sizeof(text));
		if (IS_ERR(files[made])) {
			n = PTR_ERR(files[made]);
			goto out;
		}
		strlcat(expect, text, sizeof(expect));
	}
	n = umh_elf_call_files(em, "files", 5, files, nr, reply,
			       sizeof(reply), msecs_to_jiffies(timeout_ms));
	if (n >= 0)
		n = n == strlen(expect) && !memcmp(reply, expect, n) ?
			0 : -EBADMSG;
out:
	for (i = 0; i < made; i++)
		fput(files[i]);
	return n;
}

static int test_umh_elf_files(const char *name, unsigned int nr,
			      unsigned int timeout_ms)
{
	struct umh_elf *em = umh_elf_get(name);
	int err;

	if (IS_ERR(em))
		return PTR_ERR(em);
	err = test_umh_elf_files_em(em, nr, timeout_ms);
	umh_elf_put(em);
	return err;
}

static int test_umh_elf_hold(const char *name)
{
	struct umh_elf *em;
	int err = 0;

	mutex_lock(&test_umh_elf_lock);
	if (test_umh_elf_held) {
		err = -EBUSY;
		goto out;
	}
	em = umh_elf_get(name);
	if (IS_ERR(em))
		err = PTR_ERR(em);
	else
		test_umh_elf_held = em;
out:
	mutex_unlock(&test_umh_elf_lock);
	return err;
}

static int test_umh_elf_held_call(size_t size, unsigned int timeout_ms)
{
	struct test_umh_elf_job job = {
		.calls = 1,
		.size = size,
		.timeout = msecs_to_jiffies(timeout_ms),
	};
	int err = -ENOENT;

	mutex_lock(&test_umh_elf_lock);
	if (test_umh_elf_held) {
		job.em = test_umh_elf_held;
		err = test_umh_elf_round_trips(&job);
	}
	mutex_unlock(&test_umh_elf_lock);
	return err;
}

static int test_umh_elf_release(void)
{
	int err = 0;

	mutex_lock(&test_umh_elf_lock);
	if (test_umh_elf_held)
		umh_elf_put(test_umh_elf_held);
	else
		err = -ENOENT;
	test_umh_elf_held = NULL;
	mutex_unlock(&test_umh_elf_lock);
	return err;
}

static int test_umh_elf_command(char *cmd)
{
	struct test_umh_elf_job tmpl = { };
	char name[TEST_UMH_ELF_NAME_MAX];
	unsigned int threads, calls, size, timeout_ms;
	struct umh_elf *em;
	int expect;

	if (sscanf(cmd, "echo %63s %u %u %u %u", name, &threads, &calls,
		   &size, &timeout_ms) == 5)
		return test_umh_elf_echo(name, threads, calls, size,
					 timeout_ms);
	if (sscanf(cmd, "call %63s %u %u", name, &size, &timeout_ms) == 3)
		return test_umh_elf_echo(name, 1, 1, size, timeout_ms);
	if (sscanf(cmd, "tagged %63s %u %u %u", name, &size, &calls,
		   &timeout_ms) == 4)
		return test_umh_elf_tagged(name, size, calls, timeout_ms);
	if (sscanf(cmd, "files %63s %u %u", name, &calls, &timeout_ms) == 3)
		return test_umh_elf_files(name, calls, timeout_ms);
	if (sscanf(cmd, "events %63s %u %u", name, &calls, &timeout_ms) == 3)
		return test_umh_elf_events(name, calls, timeout_ms);
	if (sscanf(cmd, "gets %63s %u", name, &threads) == 2) {
		tmpl.name = name;
		return test_umh_elf_run_threads(test_umh_elf_get_thread, &tmpl,
						threads);
	}
	if (sscanf(cmd, "loop %63s %u %u", name, &size, &timeout_ms) == 3)
		return test_umh_elf_loop(name, size, timeout_ms);
	if (sscanf(cmd, "get %63s", name) == 1) {
		em = umh_elf_get(name);
		if (IS_ERR(em))
			return PTR_ERR(em);
		umh_elf_put(em);
		return 0;
	}
	if (sscanf(cmd, "find %63s", name) == 1) {
		em = umh_elf_find(name);
		if (IS_ERR(em))
			return PTR_ERR(em);
		umh_elf_put(em);
		return 0;
	}
	if (sscanf(cmd, "nowait %63s", name) == 1)
		return request_module_nowait("%s", name);
	if (sscanf(cmd, "hold %63s", name) == 1)
		return test_umh_elf_hold(name);
	if (sscanf(cmd, "heldcall %u %u", &size, &timeout_ms) == 2)
		return test_umh_elf_held_call(size, timeout_ms);
	if (!strcmp(cmd, "release"))
		return test_umh_elf_release();
	if (!strcmp(cmd, "wake"))
		return test_umh_elf_wake();
	if (sscanf(cmd, "expect %63s %u %d", name, &threads, &expect) == 3 ||
	    sscanf(cmd, "expect_each %63s %u %d", name, &threads,
		   &expect) == 3) {
		tmpl.name = name;
		tmpl.expect = expect;
		tmpl.each = !strncmp(cmd, "expect_each", 11);
		return test_umh_elf_run_threads(test_umh_elf_expect_thread,
						&tmpl, threads);
	}
	if (sscanf(cmd, "request %63s %u", name, &threads) == 2) {
		tmpl.name = name;
		return test_umh_elf_run_threads(test_umh_elf_request_thread,
						&tmpl, threads);
	}
	return -EINVAL;
}

static ssize_t test_umh_elf_run_write(struct file *file,
				      const char __user *ubuf, size_t count,
				      loff_t *ppos)
{
	char *cmd;
	int err;

	cmd = memdup_user_nul(ubuf, min_t(size_t, count, 255));
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	err = test_umh_elf_command(strim(cmd));
	kfree(cmd);
	return err ?: count;
}

static const struct file_operations test_umh_elf_run_fops = {
	.owner = THIS_MODULE,
	.write = test_umh_elf_run_write,
};

static char *boot_get;
module_param(boot_get, charp, 0400);
MODULE_PARM_DESC(boot_get, "umh_elf_get() this ELF module at init");

/* boot_get=NAME: use an ELF module from an initcall, timed. */
static void __init test_umh_elf_boot_get(void)
{
	u64 start = ktime_get_ns();
	struct umh_elf *em;

	em = umh_elf_get(boot_get);
	pr_info("boot_get %s: %d after %llu us, %llu ms after boot\n",
		boot_get, (int)PTR_ERR_OR_ZERO(em),
		div_u64(ktime_get_ns() - start, NSEC_PER_USEC),
		div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC));
	if (!IS_ERR(em))
		umh_elf_put(em);
}

static int __init test_umh_elf_init(void)
{
	if (boot_get)
		test_umh_elf_boot_get();
	test_umh_elf_dir = debugfs_create_dir("test_umh_elf", NULL);
	debugfs_create_file("run", 0200, test_umh_elf_dir, NULL,
			    &test_umh_elf_run_fops);
	debugfs_create_file("dstate", 0400, test_umh_elf_dir, NULL,
			    &test_umh_elf_dstate_fops);
	return 0;
}

static void __exit test_umh_elf_exit(void)
{
	test_umh_elf_wake();
	debugfs_remove_recursive(test_umh_elf_dir);
	test_umh_elf_release();
}

module_init(test_umh_elf_init);
module_exit(test_umh_elf_exit);
MODULE_DESCRIPTION("Test driver for the in-kernel API of ELF modules");
MODULE_LICENSE("GPL");
