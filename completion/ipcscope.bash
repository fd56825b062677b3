# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# bash completion for ipcscope: commands, each command's options, -m's
# mechanisms, pids, files and cgroup directories. Needs nothing of the
# bash-completion package (make install puts it where that package looks).

_ipcscope()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local cmd="" i opts

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) return 0 ;;	# the command's own arguments: bash's default
		record | top | trace | export | validate | explain | check)
			cmd=${COMP_WORDS[i]}
			break
			;;
		esac
	done
	if [[ -z $cmd ]]; then
		COMPREPLY=($(compgen -W "record top trace export validate explain check -h --help -V --version" -- "$cur"))
		return 0
	fi
	case $prev in
	-p | --pid)
		COMPREPLY=($(compgen -W "$(command ls /proc 2>/dev/null | grep -E '^[0-9]+$')" -- "$cur"))
		return 0
		;;
	-u | --user)
		COMPREPLY=($(compgen -u -- "$cur"))
		return 0
		;;
	--comm)
		COMPREPLY=($(compgen -W "$(cat /proc/[0-9]*/comm 2>/dev/null | sort -u)" -- "$cur"))
		return 0
		;;
	--cgroup)
		COMPREPLY=($(compgen -d -- "${cur:-/sys/fs/cgroup/}"))
		return 0
		;;
	--by)
		COMPREPLY=($(compgen -W "cgroup" -- "$cur"))
		return 0
		;;
	--labels)
		COMPREPLY=($(compgen -W "pid object pid,object" -- "$cur"))
		return 0
		;;
	--lang)
		COMPREPLY=($(compgen -W "en zh" -- "$cur"))
		return 0
		;;
	--json | --graph | --claims | --markdown | --svg | --prometheus | --usdt-binary)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0
		;;
	-m | --mechanism)
		local done=${cur%"${cur##*,}"} m
		COMPREPLY=()
		for m in pipe msgq shm sem socket signal; do
			[[ $m == "${cur##*,}"* ]] && COMPREPLY+=("$done$m")
		done
		compopt -o nospace 2>/dev/null
		return 0
		;;
	-d | --duration | -i | --interval | -n | --count | --top | --buffer-kb | --min-latency | --listen | --size)
		return 0	# a number
		;;
	esac
	local targets="-p --pid --comm --cgroup -a --all -u --user -d --duration -v --verbose -h --help --"
	case $cmd in
	record) opts="$targets --json -j --prometheus --labels --graph --force --no-hist --by --time-in-channel --top --usdt-phase --usdt-binary" ;;
	top) opts="$targets -i --interval -n --count --top" ;;
	trace) opts="$targets -m --mechanism --json -j -T --failed --min-latency --force --buffer-kb --fail-on-drop" ;;
	export) opts="$targets --listen --labels --json -j --force" ;;
	validate) opts="--claims --json --markdown --svg --no-sweep --force --quick -v --verbose -h --help" ;;
	explain)
		# the mechanism first, then its options
		if ((COMP_CWORD == i + 1)); then
			opts="pipe fifo msgq posix-mq shm signal unix tcp udp"
		else
			opts="--size --same-cpu --cross-cpu --lang --json --markdown --svg --force -v --verbose -h --help"
		fi
		;;
	check) opts="-v --verbose -h --help" ;;
	esac
	COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	return 0
}
complete -F _ipcscope ipcscope
