# bash completion for netrun: commands, options, and container and pod names from its state
# directory (--run-dir, $NETRUN_RUN_DIR or /run/netrun) and networks asked of netd when it
# answers; installed as bash-completion/completions/netrun
_netrun_run_dir() {
    local i dir=${NETRUN_RUN_DIR:-/run/netrun}
    for ((i = 1; i < COMP_CWORD; i++)); do
        [ "${COMP_WORDS[i]}" = --run-dir ] && dir=${COMP_WORDS[i + 1]}
    done
    printf '%s\n' "$dir"
}

_netrun_names() { # _netrun_names containers|running|pods|networks
    local dir f n sock=() i
    dir=$(_netrun_run_dir)
    case $1 in
    pods)
        for f in "$dir"/.pods/*/config; do
            [ -e "$f" ] || continue
            f=${f%/config}
            printf '%s\n' "${f##*/}"
        done
        ;;
    networks)
        for ((i = 1; i < COMP_CWORD; i++)); do
            [ "${COMP_WORDS[i]}" = --socket ] && sock=(--socket "${COMP_WORDS[i + 1]}")
        done
        printf '%s\n' none host
        netctl "${sock[@]}" network ls -q 2>/dev/null
        ;;
    *)
        for f in "$dir"/*/command; do
            [ -e "$f" ] || continue
            n=${f%/command}
            n=${n##*/}
            # running: no exit status written yet
            [ "$1" = running ] && [ -e "$dir/$n/status" ] && continue
            printf '%s\n' "$n"
        done
        ;;
    esac
}

_netrun() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} cmd="" sub="" i
    local dashdash=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --) dashdash=1; break ;;
        --socket | --run-dir) [ -z "$cmd" ] && ((i++)) ;;
        --rootfs | --layer | --name | --hostname | -h | --env | -e | --workdir | -w | --network | --net | \
            -p | --publish | --memory | -m | --cpus | --pids-limit | --user | -u | --pod | --time | -t) ((i++)) ;;
        -*) ;;
        *) if [ -z "$cmd" ]; then cmd=${COMP_WORDS[i]}; elif [ -z "$sub" ]; then sub=${COMP_WORDS[i]}; fi ;;
        esac
    done
    # after "--": the command inside the container, as a command line
    if [ "$dashdash" = 1 ]; then
        mapfile -t COMPREPLY < <(compgen -c -- "$cur")
        return
    fi
    case $prev in
    --socket | --rootfs | --layer) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --run-dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
    --network | --net) mapfile -t COMPREPLY < <(compgen -W "$(_netrun_names networks)" -- "$cur"); return ;;
    --pod) mapfile -t COMPREPLY < <(compgen -W "$(_netrun_names pods)" -- "$cur"); return ;;
    --name | --hostname | -h | --env | -e | --workdir | -w | -p | --publish | --memory | -m | --cpus | \
        --pids-limit | --user | -u | --time | -t) return ;;
    esac
    if [ -z "$cmd" ]; then
        mapfile -t COMPREPLY < <(compgen -W "run ps exec stop logs stats rm pod --socket --run-dir --help" -- "$cur")
        return
    fi
    local words=""
    case $cmd in
    run)
        words="--rootfs --layer --keep --read-only --user -u --userns --pod --name --hostname -h --env -e
            --workdir -w --network -p --publish --memory -m --cpus --pids-limit -d --detach --"
        ;;
    exec) [ -z "$sub" ] && words=$(_netrun_names running) || words="--" ;;
    stop) [ -z "$sub" ] && words=$(_netrun_names running) || words="--time -t" ;;
    logs) words="--follow -f $([ -z "$sub" ] && _netrun_names containers)" ;;
    stats) words="--json --no-stream $(_netrun_names running)" ;;
    rm) [ -z "$sub" ] && words=$(_netrun_names containers) ;;
    pod)
        if [ -z "$sub" ]; then
            words="create rm"
        elif [ "$sub" = create ]; then
            words="--network -p --publish --memory -m --cpus --pids-limit"
        elif [ "$sub" = rm ]; then
            words=$(_netrun_names pods)
        fi
        ;;
    esac
    # options only once a dash is typed, names and subcommands before
    if [[ $cur != -* ]]; then
        local w keep=""
        for w in $words; do [[ $w == -* ]] || keep="$keep $w"; done
        words=$keep
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -F _netrun netrun
