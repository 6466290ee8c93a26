using System.Text;

namespace Security.Csp.Internal.Dashboard;

/// <summary>
/// A policy as header text split into its directives, in order, so sources can be merged in and the result written
/// back. The per-request nonce appears as <see cref="NonceSource"/>.
/// </summary>
internal sealed class CspPolicyText
{
    /// <summary>How a compiled policy's header template writes the per-request nonce.</summary>
    public const string NonceSource = "'nonce-{nonce}'";

    private readonly List<(string Name, List<string> Sources)> _directives;

    private CspPolicyText(List<(string Name, List<string> Sources)> directives) => _directives = directives;

    public static CspPolicyText Parse(string header)
    {
        var directives = new List<(string, List<string>)>();
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tokens = part.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var name = tokens[0].ToLowerInvariant();
            // The first occurrence of a directive is the one browsers apply.
            if (!directives.Exists(d => d.Item1 == name))
            {
                directives.Add((name, [.. tokens.Skip(1)]));
            }
        }

        return new CspPolicyText(directives);
    }

    public bool Declares(string directive) => _directives.Exists(d => d.Name == directive);

    public IReadOnlyList<string>? Sources(string directive) => _directives.Find(d => d.Name == directive).Sources;

    public CspPolicyText Clone() => new([.. _directives.Select(d => (d.Name, new List<string>(d.Sources)))]);

    /// <summary>
    /// Adds a source to a directive (appended when the policy lacks it, with the sources of <paramref name="seed"/>);
    /// <c>'none'</c> goes, as it only means "nothing".
    /// </summary>
    public void Add(string directive, string source, IReadOnlyList<string>? seed = null)
    {
        var index = _directives.FindIndex(d => d.Name == directive);
        if (index < 0)
        {
            _directives.Add((directive, [.. (seed ?? []).Where(s => !string.Equals(s, "'none'", StringComparison.OrdinalIgnoreCase)), source]));
            return;
        }

        var sources = _directives[index].Sources;
        sources.RemoveAll(s => string.Equals(s, "'none'", StringComparison.OrdinalIgnoreCase));
        if (!sources.Contains(source, StringComparer.OrdinalIgnoreCase))
        {
            sources.Add(source);
        }
    }

    /// <summary>The directives in the configuration's form (<c>Security:Csp:Policy</c>): the nonce is the bare word <c>nonce</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string[]>> ToDirectives() =>
        [.. _directives.Select(d => KeyValuePair.Create(d.Name, d.Sources.Select(s => s == NonceSource ? CspPolicyBuilderNonce : s).ToArray()))];

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, sources) in _directives)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(name);
            foreach (var source in sources)
            {
                text.Append(' ').Append(source);
            }
        }

        return text.ToString();
    }

    private const string CspPolicyBuilderNonce = Policy.CspDirectives.NonceSource;
}
