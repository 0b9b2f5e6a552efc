# bash completion for slipway. Load it with:  source <(slipway completion bash)
# It asks slipway itself what may come next (System.CommandLine's [suggest] directive), so it always
# matches the slipway it runs: commands, subcommands, options, option values and, when the server
# answers, app names. Nothing matches: bash completes file names (for apply -f, validate -f).
_slipway() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local slipway=${COMP_WORDS[0]}
    [[ $slipway == "~/"* ]] && slipway=$HOME/${slipway#"~/"}
    local line="" i
    if [[ -n ${COMP_LINE-} ]]; then
        # What was typed before the word being completed, exactly (COMP_WORDS splits host:port at the colon).
        line=${COMP_LINE:0:COMP_POINT}
        line=${line%"$cur"}
        line=${line#*"${COMP_WORDS[0]}"}
        line=${line#"${line%%[![:space:]]*}"}
    else
        for (( i = 1; i < COMP_CWORD; i++ )); do
            line+="${COMP_WORDS[i]} "
        done
    fi
    COMPREPLY=()
    local suggestion
    while IFS= read -r suggestion; do
        # /? and /h are Windows spellings of --help.
        [[ -n $suggestion && $suggestion != /* && $suggestion == "$cur"* ]] && COMPREPLY+=("$suggestion")
    done < <("$slipway" "[suggest:${#line}]" "$line" 2>/dev/null)
}
complete -o default -F _slipway slipway
