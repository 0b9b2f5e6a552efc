namespace Slipway.Docker.Lint;

/// <summary>
/// A Dockerfile read as the builder reads it, for the lint: parser directives (<c># escape=`</c>), comments, line
/// continuations (the escape character at a line's end; comment and empty lines inside a continuation skipped), and
/// each instruction with the line it starts on so a finding can point at it.
/// </summary>
public sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerfileInstruction> instructions) => Instructions = instructions;

    public IReadOnlyList<DockerfileInstruction> Instructions { get; }

    public static Dockerfile Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var escape = '\\';
        var index = 0;

        // Directives come first, before any comment, empty line or instruction.
        for (; index < lines.Length; index++)
        {
            var directive = lines[index].Trim();
            if (!directive.StartsWith('#') || !directive[1..].Contains('=', StringComparison.Ordinal))
            {
                break;
            }

            var (name, value) = (directive[1..].Split('=', 2)[0].Trim().ToLowerInvariant(), directive[1..].Split('=', 2)[1].Trim());
            if (name == "escape" && value is "`" or "\\")
            {
                escape = value[0];
            }
            else if (name != "syntax" && name != "check")
            {
                break;
            }
        }

        var instructions = new List<DockerfileInstruction>();
        for (; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = index + 1;
            var joined = new System.Text.StringBuilder();
            while (true)
            {
                var trimmed = line.TrimEnd();
                if (trimmed.EndsWith(escape) && index + 1 < lines.Length)
                {
                    joined.Append(trimmed[..^1]).Append(' ');
                    index++;
                    // Inside a continuation, comment lines and empty lines are not part of the instruction.
                    while (index < lines.Length && (lines[index].Trim().Length == 0 || lines[index].TrimStart().StartsWith('#')))
                    {
                        index++;
                    }

                    if (index >= lines.Length)
                    {
                        break;
                    }

                    line = lines[index];
                    continue;
                }

                joined.Append(trimmed);
                break;
            }

            var instruction = joined.ToString().Trim();
            var space = instruction.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? instruction : instruction[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : instruction[(space + 1)..].Trim();
            instructions.Add(new DockerfileInstruction(start, keyword, arguments));
        }

        return new Dockerfile(instructions);
    }

    /// <summary>
    /// The instruction's arguments as the builder splits <c>ENV</c>, <c>ARG</c> and <c>LABEL</c>: whitespace-separated
    /// words, quotes grouping (and removed), <c>\</c> escaping.
    /// </summary>
    public static IReadOnlyList<string> Words(string arguments)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < arguments.Length; i++)
        {
            var c = arguments[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\\' && i + 1 < arguments.Length && quote != '\'')
            {
                word.Append(arguments[++i]);
            }
            else if (quote is null && c is '"' or '\'')
            {
                quote = c;
            }
            else if (quote == c)
            {
                quote = null;
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
