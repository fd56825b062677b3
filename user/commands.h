/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* commands.h - the subcommands ipcscope.c dispatches to. */
#ifndef COMMANDS_H
#define COMMANDS_H

/* Each takes its own argv (argv[0] is the subcommand) and returns the exit status. */
int cmd_record(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
/* -V: ipcscope's and libbpf's versions, the kernel, and (as root) the
 * kernel features ipcscope looks for, as `check` prints them */
void print_version(void);

#endif /* COMMANDS_H */
