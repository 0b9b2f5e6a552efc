using System.Text.RegularExpressions;
using Slipway.Docker.Images;

namespace Slipway.Docker.Lint;

/// <summary>
/// The image-policy lint every build runs: the built image's config (its user, env, size) and its Dockerfile (the
/// base images, the ENV and ARG names, with their lines). Pure: the build hands it what the engine said.
/// </summary>
public static partial class ImageLint
{
    // Whole words of a variable name (split at '_' and digits) that say "secret". PWD is the working directory.
    private static readonly string[] SecretWords = ["PASSWORD", "PASSWD", "SECRET", "SECRETS", "TOKEN", "CREDENTIAL", "CREDENTIALS", "APIKEY"];

    // Pairs of words that say it together: API_KEY, PRIVATE_KEY, ACCESS_KEY, SECRET_KEY.
    private static readonly string[] SecretKeys = ["API", "PRIVATE", "ACCESS", "SIGNING", "ENCRYPTION"];

    // A name ending so points at where a secret is (POSTGRES_PASSWORD_FILE), the safe way to pass one.
    private static readonly string[] ReferenceSuffixes = ["FILE", "PATH", "DIR", "URL", "ENDPOINT"];

    /// <param name="buildArgs">The build's args: a FROM that uses an ARG is checked with the value it got.</param>
    /// <param name="target">The stage built, null for the last: its USER is the one the image runs as.</param>
    public static LintReport Check(Dockerfile dockerfile, ImageDetails image, IReadOnlyDictionary<string, string>? buildArgs, ImageLintOptions options, string? target = null)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var findings = new List<LintFinding>();
        void Add(LintRule rule, string message, int? line = null)
        {
            if (options.LevelOf(rule) is var level && level != LintLevel.Off)
            {
                findings.Add(new LintFinding(rule, level, message, line));
            }
        }

        CheckBases(dockerfile, buildArgs ?? new Dictionary<string, string>(), Add);
        CheckUser(dockerfile, image, target, Add);
        CheckSecretNames(dockerfile, image, Add);
        if (image.Size > options.SizeBudgetBytes)
        {
            Add(LintRule.ImageSize, $"the image is {Mib(image.Size)} MiB, above the budget of {Mib(options.SizeBudgetBytes)} MiB");
        }

        return new LintReport(findings.OrderBy(f => f.Line ?? int.MaxValue).ToList());
    }

    /// <summary>Whether a variable name looks like it holds a secret.</summary>
    public static bool IsSecretName(string name)
    {
        var words = NameWords().Split(name.ToUpperInvariant()).Where(w => w.Length > 0).ToArray();
        if (words.Length == 0 || ReferenceSuffixes.Contains(words[^1]))
        {
            return false;
        }

        return words.Any(SecretWords.Contains) ||
            words.Zip(words.Skip(1)).Any(pair => SecretKeys.Contains(pair.First) && pair.Second == "KEY");
    }

    private static void CheckBases(Dockerfile dockerfile, IReadOnlyDictionary<string, string> buildArgs, Action<LintRule, string, int?> add)
    {
        var globalArgs = new Dictionary<string, string?>(StringComparer.Ordinal);
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var seenFrom = false;
        foreach (var instruction in dockerfile.Instructions)
        {
            if (instruction.Keyword == "ARG" && !seenFrom)
            {
                foreach (var word in Dockerfile.Words(instruction.Arguments))
                {
                    var (name, value) = word.IndexOf('=') is var eq and >= 0 ? (word[..eq], word[(eq + 1)..]) : (word, null);
                    globalArgs[name] = buildArgs.TryGetValue(name, out var given) ? given : value;
                }

                continue;
            }

            if (instruction.Keyword != "FROM")
            {
                continue;
            }

            seenFrom = true;
            var words = Dockerfile.Words(instruction.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            if (words.Count == 0)
            {
                continue;
            }

            var written = words[0];
            var missing = new List<string>();
            var image = Substitute(written, globalArgs, missing);
            if (words.Count >= 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase))
            {
                stages.Add(words[2]);
            }

            var shown = image == written ? $"'{written}'" : $"'{written}' (= '{image}')";
            if (missing.Count > 0 && image.Length == 0)
            {
                add(LintRule.UnpinnedBase, $"the base image {shown} depends on ARG {string.Join(", ", missing)}, which has no value: give it a default or a build arg with a digest", instruction.Line);
            }
            else if (image.Equals("scratch", StringComparison.OrdinalIgnoreCase) || stages.Contains(image) && !image.Equals(words.ElementAtOrDefault(2), StringComparison.OrdinalIgnoreCase))
            {
                // scratch is empty, and an earlier stage is pinned by its own FROM.
            }
            else if (!image.Contains("@sha256:", StringComparison.Ordinal))
            {
                var latest = LatestTag().IsMatch(image) || !TagAfterName().IsMatch(image);
                add(LintRule.UnpinnedBase, latest
                    ? $"the base image {shown} is ':latest'{(LatestTag().IsMatch(image) ? "" : " (no tag means latest)")}: pin it by digest, e.g. NAME@sha256:…"
                    : $"the base image {shown} is not pinned by digest: pin it, e.g. NAME:TAG@sha256:…", instruction.Line);
            }
        }
    }

    private static void CheckUser(Dockerfile dockerfile, ImageDetails image, string? target, Action<LintRule, string, int?> add)
    {
        var user = image.User.Split(':')[0].Trim();
        if (user is not ("" or "root" or "0"))
        {
            return;
        }

        // The USER that made it root, when the built stage has one.
        var stage = FinalStage(dockerfile, target);
        var last = stage.LastOrDefault(i => i.Keyword == "USER");
        add(LintRule.RunsAsRoot, last is null
            ? "the image runs as root (no USER instruction): add USER with a non-root user, e.g. USER 10001"
            : $"the image runs as root (USER {last.Arguments}): use a non-root user, e.g. USER 10001", last?.Line);
    }

    private static void CheckSecretNames(Dockerfile dockerfile, ImageDetails image, Action<LintRule, string, int?> add)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var instruction in dockerfile.Instructions.Where(i => i.Keyword is "ENV" or "ARG"))
        {
            foreach (var name in DeclaredNames(instruction).Where(IsSecretName))
            {
                found.Add(name);
                add(LintRule.SecretName, $"{instruction.Keyword} {name} looks like a secret: its value stays in the image (config or history) for anyone who pulls it; pass it at run time (a Slipway secret) or with a build secret", instruction.Line);
            }
        }

        foreach (var name in image.Env.Select(e => e.Split('=', 2)[0]).Where(n => IsSecretName(n) && !found.Contains(n)))
        {
            add(LintRule.SecretName, $"ENV {name} (from the base image) looks like a secret: its value is in the image's config for anyone who pulls it", null);
        }
    }

    private static IEnumerable<string> DeclaredNames(DockerfileInstruction instruction)
    {
        var words = Dockerfile.Words(instruction.Arguments);
        if (instruction.Keyword == "ENV" && words.Count > 0 && !words[0].Contains('=', StringComparison.Ordinal))
        {
            return [words[0]]; // the old form: ENV NAME value with spaces
        }

        return words.Select(w => w.Split('=', 2)[0]).Where(n => n.Length > 0);
    }

    private static List<DockerfileInstruction> FinalStage(Dockerfile dockerfile, string? target)
    {
        var stage = new List<DockerfileInstruction>();
        foreach (var instruction in dockerfile.Instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                if (target is not null && stage.Count > 0 && IsStage(stage[0], target))
                {
                    return stage;
                }

                stage = [];
            }

            stage.Add(instruction);
        }

        return stage;
    }

    private static bool IsStage(DockerfileInstruction from, string name)
    {
        var words = Dockerfile.Words(from.Arguments).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        return words.Count >= 3 && words[2].Equals(name, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>$NAME, ${NAME}, ${NAME:-default} and ${NAME:+alt} from the global ARGs, as the builder expands FROM.</summary>
    private static string Substitute(string text, IReadOnlyDictionary<string, string?> args, List<string> missing) =>
        Variable().Replace(text, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["plain"].Value;
            var value = args.TryGetValue(name, out var v) ? v : null;
            if (match.Groups["op"].Success)
            {
                var word = match.Groups["word"].Value;
                return match.Groups["op"].Value == ":-" ? (string.IsNullOrEmpty(value) ? word : value) : (string.IsNullOrEmpty(value) ? "" : word);
            }

            if (value is null)
            {
                missing.Add(name);
            }

            return value ?? "";
        });

    private static long Mib(long bytes) => (bytes + 1024 * 1024 - 1) / (1024 * 1024);

    [GeneratedRegex(@"\$(?:\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|:\+)(?<word>[^}]*))?\}|(?<plain>[A-Za-z_][A-Za-z0-9_]*))", RegexOptions.CultureInvariant)]
    private static partial Regex Variable();

    [GeneratedRegex(@":latest(@|$)", RegexOptions.CultureInvariant)]
    private static partial Regex LatestTag();

    // A tag is a ':' after the last '/', before any '@'.
    [GeneratedRegex(@"^[^@]*:[^/@]+(@|$)", RegexOptions.CultureInvariant)]
    private static partial Regex TagAfterName();

    [GeneratedRegex("[^A-Z]+", RegexOptions.CultureInvariant)]
    private static partial Regex NameWords();
}
