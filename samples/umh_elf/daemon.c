// SPDX-License-Identifier: GPL-2.0
/*
 * A classic forking daemon as an ELF module: the parent exits 0 once the
 * child is set up.  The child keeps fd 3 (the notify fd): that is how the
 * kernel knows the module still runs, and whom rmmod must stop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <elfmod.h>

ELF_MODULE_DESCRIPTION("Sample forking daemon ELF module");
ELF_MODULE_LICENSE("GPL");

int main(void)
{
	int ready[2];
	char c = 0;
	pid_t pid;

	if (pipe(ready))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid > 0) {			/* parent: wait for the child, then go */
		close(ready[1]);
		return read(ready[0], &c, 1) == 1 ? 0 : 1;
	}
	close(ready[0]);
	setsid();
	/* ... the daemon's set-up: keep fd 3 open ... */
	fprintf(stderr, "daemon %d running\n", (int)getpid());
	if (write(ready[1], "x", 1) != 1)
		return 1;
	close(ready[1]);
	for (;;)
		pause();
}
