#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check, host side: the author's runner, tools/elfmod/elfmod-run,
# against what the kernel does with the same modules.  One TAP line per
# row of the table below: the module, its parameters and channel input,
# the load's result the runner must report ("load: ..."), and a line its
# output must hold.  The last field names the guest test that asserts
# the kernel's side of the same row (file.c: fixture.test), or the fact
# the row rests on.  Needs the images of scripts/build-tests.sh and the
# samples Kbuild built.
set -eu

T="$OUT/tests"
S="$KOUT/samples/umh_elf"
RUN="$OUT/elfmod-run/elfmod-run"
W="$OUT/elfmod-run/work"

mkdir -p "$OUT/elfmod-run" "$W"
make -s -C "$SRC/tools/elfmod" OUTPUT="$OUT/elfmod-run/" \
	KHDR_INCLUDES="-isystem $KOUT/usr/include"

# Files for the rows that pass files, and images the loader refuses.
printf 'one\n' > "$W/f1"
printf 'two\n' > "$W/f2"
head -c 64 "$T/opt/umh_elf_tiny.unsigned.ko" > "$W/truncated.ko"
cp -L /bin/sh "$W/dynamic.ko"
printf 'umh!\\xfd\n' > "$W/req-error"
printf 'umh!\\xfb\\x02\n' > "$W/req-events"
printf '<%s,%s x\n' "$W/f1" "$W/f2" > "$W/req-files"
printf 'umh!\\xfc\\x00\n' > "$W/req-bad"
printf 'hello\n' > "$W/req-hello"
# A root-owned file of mode 0600 and one of mode 0666, in a folder any
# uid may reach.
R=$(mktemp -d /tmp/elfmod-run-check.XXXXXX)
trap 'rm -rf "$R"' EXIT
chmod 755 "$R"
printf 'secret\n' > "$R/root600"
chmod 600 "$R/root600"
: > "$R/open666"
chmod 666 "$R/open666"
printf 'abc\n' > "$W/req-abc"
: > "$W/req-none"
SHA=$(cat "$T/opt/umh_elf_test.sha256")
ECHO_KO="$T/opt/umh_elf_echo.unsigned.ko"
TEST_KO="$T/opt/umh_elf_test.unsigned.ko"

n=0
# row DESC FLAGS KO PARAMS INPUT LOAD LINE CITE
row() {
	desc=$1 flags=$2 ko=$3 params=$4 input=$5 load=$6 line=$7
	n=$((n + 1))
	# Only root can give a module the uid and capabilities it declares.
	case $flags in *root*)
		if [ "$(id -u)" != 0 ]; then
			echo "ok $n - $desc # SKIP not root"
			return
		fi
		flags=
	esac
	out="$W/out.$n"
	rc=0
	eval "set -- $params"
	# shellcheck disable=SC2086 # FLAGS are words
	timeout 120 "$RUN" $flags -i "$W/req-$input" "$ko" "$@" \
		< /dev/null > "$out" 2>&1 || rc=$?
	if ! grep -q "^load: $load\( \|\$\)" "$out"; then
		echo "not ok $n - $desc: no 'load: $load'"
		sed 's/^/#   /' "$out"
	elif [ -n "$line" ] && ! grep -qF -- "$line" "$out"; then
		echo "not ok $n - $desc: no '$line'"
		sed 's/^/#   /' "$out"
	elif [ "$load" = 0 ] && [ "$rc" != 0 ]; then
		echo "not ok $n - $desc: exit status $rc after a load of 0"
	elif [ "$load" != 0 ] && [ "$rc" = 0 ]; then
		echo "not ok $n - $desc: exit status 0 after a failed load"
	else
		echo "ok $n - $desc"
	fi
}

# Fields: description | runner flags | image | parameters | input (req-*) |
# load result | a line of the output | the kernel's side
while IFS='|' read -r desc flags ko params input load line cite; do
	[ -n "$desc" ] || continue
	case $desc in \#*) continue ;; esac
	eval "ko=\"$ko\" line=\"$line\""
	row "$desc ($cite)" "$flags" "$ko" "$params" "$input" "$load" "$line"
done <<EOF
one-shot exits 0||\$TEST_KO||none|0|load: 0 (ran to completion)|umh_elf_test.c: umh_elf.oneshot_returns_0_and_leaves_nothing
exit 19 is ENODEV||\$TEST_KO|exit=19|none|-ENODEV|elf-module umh_elf_test: stopped (exit 19)|umh_elf_test.c: umh_elf.exit_status_is_errno
a signal is ECHILD||\$TEST_KO|signal=11|none|-ECHILD|elf-module umh_elf_test: stopped (signal 11)|umh_elf_test.c: umh_elf.signal_is_echild
exit(EEXIST) is ECHILD||\$TEST_KO|exit=17|none|-ECHILD|stopped (exit 17)|umh_elf_containment_test.c: outcome.exit_eexist_is_echild
exit 200 is ECHILD||\$TEST_KO|exit=200|none|-ECHILD|stopped (exit 200)|umh_elf_containment_test.c: outcome.exit_above_133_is_echild
ERRNO= gives the errno||\$TEST_KO|errno=19 exit=1|none|-ENODEV|stopped (exit 1)|umh_elf_containment_test.c: outcome.errno_line_is_the_errno
ERRNO=EEXIST is ECHILD||\$TEST_KO|errno=17 exit=1|none|-ECHILD|stopped (exit 1)|umh_elf_containment_test.c: outcome.errno_line_eexist_is_echild
exit(ENOENT) reads as kmod rewrites it||\$TEST_KO|exit=2|none|-ENOENT|could not insert 'umh_elf_test': Unknown symbol in module, or unknown parameter (see dmesg)|notes: kmod 30 rewrites ENOENT
never ready: ETIMEDOUT|-t 1000|\$TEST_KO|mode=never|none|-ETIMEDOUT|elf-module umh_elf_test: stopped (timeout)|umh_elf_test.c: umh_elf.ready_timeout
READY=1 without newline counts at close|-t 5000|\$TEST_KO|mode=readynonl|none|0|load: 0 (ready)|umh_elf_test.c: umh_elf.ready_without_newline_counts_at_close
READY=1 without newline, fd 3 open: timeout|-t 1000|\$TEST_KO|mode=readynonlopen|none|-ETIMEDOUT|stopped (timeout; fd 3 holds \"READY=1\" without a newline)|umh_elf_test.c: umh_elf.ready_timeout_shows_line_without_newline
lines like READY=1 are not it|-t 1500|\$TEST_KO|mode=readybad|none|-ETIMEDOUT|stopped (timeout)|umh_elf_test.c: umh_elf.malformed_ready_lines_ignored
a ready module lives until rmmod||\$TEST_KO|mode=ready|none|0|elf-module umh_elf_test: stopped (rmmod)|umh_elf_test.c: umh_elf.ready_module_is_live
SIGKILL after the stop timeout|-s 500|\$TEST_KO|mode=ignoreterm|none|0|stopped (rmmod, killed after 500 ms)|umh_elf_test.c: umh_elf.rmmod_sigkill_after_stop_timeout
a daemon stays after its parent exits 0||\$TEST_KO|mode=daemon|none|0|load: 0 (exited 0, its other processes run on)|umh_elf_test.c: umh_elf.daemon_stays_until_child_gone
an escaped grandchild still belongs to it||\$TEST_KO|mode=escape|none|0|stopped (rmmod)|umh_elf_containment_test.c: contain.double_fork_daemon_closing_every_fd_stays_a_member
environment, cwd and fds as the kernel's||\$TEST_KO|mode=envcheck|none|0|load: 0 (ran to completion)|umh_elf_test.c: umh_elf.environment_and_fds
parameters split as the kernel splits them||\$TEST_KO|mode=args a=1 'b="x y"' c|none|0|umh_elf_test: argv[3]=<b=x y>|umh_elf_test.c: umh_elf.params_reach_argv
elf.KEY= parameters are the kernel's||\$TEST_KO|mode=args elf.restart=no c|none|0|umh_elf_test: argv[2]=<c>|umh_elf_policy.c: elf. prefix
stderr is logged as NAME: line||\$TEST_KO|say=hello|none|0|umh_elf_test: hello|umh_elf_test.c: umh_elf.stderr_reaches_kmsg
STATUS= is kept for the stop line||\$TEST_KO|status=busy exit=5|none|-EIO|stopped (exit 5), last status \"busy\"|issue 18: last STATUS in the stop line
a compressed image||\$T/opt/umh_elf_test.ko.gz||none|0|load: 0 (ran to completion)|umh_elf_test.c: umh_elf.compressed_module_loads
a signed image runs the bytes signed||\$T/extra/umh_elf_test.ko||none|0|sha256 \$SHA, signed|umh_elf_test.c: umh_elf.unsigned_load_says_unsigned (sha256)
PT_INTERP: ENOEXEC||\$W/dynamic.ko||none|-ENOEXEC|rejected: PT_INTERP: not statically linked|umh_elf_test.c: bad_image.pt_interp
truncated image: ENOEXEC||\$W/truncated.ko||none|-ENOEXEC|rejected: program headers out of bounds|umh_elf_security_test.c: hostile_header.truncated_64
channel: a request and its reply||\$ECHO_KO||hello|0|reply 1: hello|umh_elf_channel_test.c: channel.round_trip_sizes
channel: an error reply||\$ECHO_KO||error|0|error 1: -EDOM|umh_elf_channel_test.c: channel.error_reply
channel: events||\$ECHO_KO||events|0|event: \\\\x01\\\\x00\\\\x00\\\\x00|umh_elf_channel_test.c: channel.events
channel: files with a request||\$ECHO_KO||files|0|reply 1: one\\\\x0atwo\\\\x0a|umh_elf_channel_test.c: channel.files
channel: served by 4 threads||\$ECHO_KO|threads=4|hello|0|reply 1: hello|umh_elf_channel_test.c: channel.served_by_threads
channel: a bad message stops it||\$ECHO_KO||bad|0|elf-module umh_elf_echo: channel: unknown message type, stopping it|umh_elf_channel_test.c: channel.bad_message_stops_module
channel: the caller of a dying module gets EPIPE||\$ECHO_KO|mode=die|abc|0|call 1: -EPIPE|umh_elf_channel_test.c: channel.killed_mid_call
channel: a silent module times its caller out|-c 300|\$ECHO_KO|mode=silent|abc|0|call 1: -ETIMEDOUT|umh_elf_channel_test.c: channel.never_replies
sample oneshot count=2||\$S/umh_sample_oneshot.ko|count=2|none|0|umh_sample_oneshot: job step 2 of 2|umh_elf_test.c: umh_elf.samples_work
sample oneshot count=x: EINVAL||\$S/umh_sample_oneshot.ko|count=x|none|-EINVAL|elf-module umh_sample_oneshot: stopped (exit 22)|umh_elf_test.c: umh_elf.samples_work
sample service: ready, stops on SIGTERM||\$S/umh_sample_service.ko||none|0|umh_sample_service: stopping on SIGTERM|umh_elf_test.c: umh_elf.samples_work
sample daemon||\$S/umh_sample_daemon.ko||none|0|load: 0 (exited 0, its other processes run on)|umh_elf_test.c: umh_elf.samples_work
sample echo (nolibc)||\$S/umh_sample_echo.ko||abc|0|reply 1: abc|umh_elf_channel_test.c via lib/test_umh_elf.c (demo)
sample edu driver without a device||\$S/umh_sample_edu.ko||none|0|load: 0 (ready)|umh_elf_edu_test.c
capabilities= with an unknown name: EINVAL||\$T/opt/umh_elf_badcap.unsigned.ko||none|-EINVAL|elf-module umh_elf_badcap: rejected: unknown capability 'cap_bogus'|umh_elf_security_test.c: security.capabilities_unknown_name
capabilities= empty cannot write a root file|root|\$T/opt/umh_elf_nocaps.unsigned.ko|mode=trywrite file=\$R/root600|none|-EACCES|stopped (exit 13)|umh_elf_containment_test.c: contain.capabilities_empty_cannot_write_as_root
capabilities= empty can write a file open to all|root|\$T/opt/umh_elf_nocaps.unsigned.ko|mode=trywrite file=\$R/open666|none|0|stopped (exit 0)|control of the row above
capabilities= module serves the channel as its own uid|root|\$T/opt/umh_elf_nocaps.unsigned.ko|mode=echo|files|0|reply 1: one\\\\x0atwo\\\\x0a|umh_elf_channel_test.c: channel.files
the smallest module, no libc||\$T/opt/umh_elf_tiny.unsigned.ko||none|0|load: 0 (ran to completion)|umh_elf_security_test.c: hostile_header.control_unchanged
EOF

# What the module with capabilities="" tried to write is untouched.
n=$((n + 1))
if [ "$(cat "$R/root600")" = secret ] && [ "$(cat "$R/open666")" = x ]; then
	echo "ok $n - the root-owned file is unchanged, the open one written (contain.capabilities_empty_cannot_write_as_root)"
else
	echo "not ok $n - root600: $(cat "$R/root600"), open666: $(cat "$R/open666")"
fi

# The runner refuses a ready timeout the kernel refuses (100 to 600000).
n=$((n + 1))
rc=0
"$RUN" -t 50 "$TEST_KO" > "$W/out.$n" 2>&1 || rc=$?
if [ "$rc" = 22 ] && grep -q 'refused (EINVAL)' "$W/out.$n"; then
	echo "ok $n - ready timeout out of bounds: EINVAL (umh_elf_containment_test.c: outcome.timeout_bounds)"
else
	echo "not ok $n - ready timeout out of bounds: exit $rc"
fi
# Kbuild, not the runner: the kernel's make clean removes what elfmod-y
# generates next to the objects (NAME.elfmod-y.S, NAME.ko.modinfo), as it
# does for elfmod-m.  On an empty build folder of its own, so that
# nothing built is lost.
n=$((n + 1))
C=$(mktemp -d /tmp/elfmod-clean-check.XXXXXX)
mkdir -p "$C/samples/umh_elf"
for f in a.elfmod-y.S a.ko.modinfo a.elfmod.c a.ko; do
	: > "$C/samples/umh_elf/$f"
done
make -s -C "$SRC" O="$C" clean > "$W/out.$n" 2>&1 || true
left=$(cd "$C/samples/umh_elf" && ls)
rm -rf "$C"
if [ -z "$left" ]; then
	echo "ok $n - kbuild: make clean removes the generated files of elfmod-y and elfmod-m"
else
	echo "not ok $n - kbuild: make clean left" $left
fi
echo "1..$n"
