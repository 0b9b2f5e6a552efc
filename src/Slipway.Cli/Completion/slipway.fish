# fish completion for slipway. Load it with:  slipway completion fish | source
# It asks slipway itself what may come next (System.CommandLine's [suggest] directive), so it always
# matches the slipway it runs. Nothing matches: fish completes file names (for apply -f, validate -f).
function __slipway_complete
    set -l tokens (commandline -opc)
    set -l slipway $tokens[1]
    set -e tokens[1]
    set -l line (string join ' ' -- $tokens)
    test -n "$line"; and set line "$line "
    # /? and /h are Windows spellings of --help.
    set -l suggestions ($slipway "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null | string match -v -- '/*')
    if test (count $suggestions) -gt 0
        printf '%s\n' $suggestions
    else
        __fish_complete_path (commandline -ct)
    end
end
complete -c slipway -f -a '(__slipway_complete)'
