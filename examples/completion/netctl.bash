# bash completion for netctl: commands, options, and names asked of netd (networks,
# containers) when it answers; installed as bash-completion/completions/netctl
_netctl_names() { # _netctl_names networks|containers
    local sock=() i
    for ((i = 1; i < COMP_CWORD; i++)); do
        [ "${COMP_WORDS[i]}" = --socket ] && sock=(--socket "${COMP_WORDS[i + 1]}")
    done
    if [ "$1" = networks ]; then
        netctl "${sock[@]}" network ls -q 2>/dev/null
    else
        netctl "${sock[@]}" ls -q 2>/dev/null
    fi
}

_netctl() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} cmd="" sub="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --socket) ((i++)) ;;
        -*) ;;
        *) if [ -z "$cmd" ]; then cmd=${COMP_WORDS[i]}; elif [ -z "$sub" ]; then sub=${COMP_WORDS[i]}; fi ;;
        esac
    done
    case $prev in
    --socket | --netns) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
    --network) mapfile -t COMPREPLY < <(compgen -W "$(_netctl_names networks)" -- "$cur"); return ;;
    --pid | --ip | --ip6 | --mac | --ifname | --subnet | --subnet6 | --gateway | --gateway6 | --bridge | --mtu | -p | --count | --format) return ;;
    --filter) mapfile -t COMPREPLY < <(compgen -W "type= action= container= network= name=" -- "$cur"); compopt -o nospace 2>/dev/null; return ;;
    esac
    if [ -z "$cmd" ]; then
        mapfile -t COMPREPLY < <(compgen -W "network attach detach ls inspect publish unpublish port events info version --socket --json --help --version" -- "$cur")
        return
    fi
    local words=""
    case $cmd in
    network)
        if [ -z "$sub" ]; then
            words="create ls inspect rm"
        elif [ "$sub" = create ]; then
            words="--subnet --gateway --subnet6 --gateway6 --bridge --mtu --internal"
        elif [ "$sub" = ls ]; then
            words="-q"
        else
            words=$(_netctl_names networks)
        fi
        ;;
    attach) words="--netns --pid --network --ip --ip6 --ifname --mac -p --no-default-route" ;;
    detach | inspect) words="--network $(_netctl_names containers)" ;;
    ls) words="--network -q" ;;
    publish) words="--network --proxy-protocol $( [ -n "$sub" ] && _netctl_names containers)" ;;
    unpublish) [ -n "$sub" ] && words=$(_netctl_names containers) ;;
    port) words="--stats $(_netctl_names containers)" ;;
    events) words="--filter --count" ;;
    esac
    words="$words --json --format --help"
    # options only once a dash is typed, names and subcommands before
    if [[ $cur != -* ]]; then
        local w keep=""
        for w in $words; do [[ $w == -* ]] || keep="$keep $w"; done
        words=$keep
    fi
    mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
}
complete -F _netctl netctl
