#compdef slipway
# zsh completion for slipway. Load it with:  source <(slipway completion zsh)  (after compinit)
# It asks slipway itself what may come next (System.CommandLine's [suggest] directive), so it always
# matches the slipway it runs. Nothing matches: zsh completes file names (for apply -f, validate -f).
_slipway() {
    local slipway=${words[1]}
    [[ $slipway == '~/'* ]] && slipway=$HOME/${slipway#'~/'}
    local line=${(j: :)words[2,CURRENT-1]}
    [[ -n $line ]] && line+=" "
    local -a suggestions
    suggestions=("${(@f)$($slipway "[suggest:${#line}]" "$line" 2>/dev/null)}")
    # /? and /h are Windows spellings of --help; empty lines are no suggestion.
    suggestions=(${suggestions:#/*})
    suggestions=(${suggestions:#})
    if (( ${#suggestions} )); then
        compadd -- $suggestions
    else
        _files
    fi
}
if (( $+functions[compdef] )); then
    compdef _slipway slipway
else
    print -u2 "slipway completion: run 'autoload -U compinit && compinit' before loading it"
fi
