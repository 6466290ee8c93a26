using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>
/// Fetch and navigation directives (<c>script-src</c>, <c>form-action</c>, ...): keywords written bare are quoted,
/// hashes and nonces too, <c>nonce</c> is the per-request nonce, hosts and schemes go as given; duplicates are dropped.
/// </summary>
internal sealed class CspSourceListValues : CspDirectiveValueParser
{
    public static readonly CspSourceListValues Instance = new();

    private CspSourceListValues()
    {
    }

    public override void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result)
    {
        if (values.Length == 0)
        {
            errors.Add(option, $"'{name}' needs a list of at least one source, e.g. [\"self\"]; use [\"none\"] to allow nothing.");
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (TryRender(values[i], $"{option}[{i}]", errors, out var rendered) && !result.Contains(rendered))
            {
                result.Add(rendered);
            }
        }
    }

    private static bool TryRender(string? value, string option, OptionsValidationErrors errors, out string? rendered)
    {
        rendered = null;
        if (!CspValueChecks.CheckInjection(value, option, errors))
        {
            return false;
        }

        var source = value!;
        if (string.Equals(source, CspDirectives.NonceSource, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (source.Length >= 2 && source[0] == '\'' && source[^1] == '\'')
        {
            var inner = source[1..^1];
            if (CspDirectives.Keywords.Contains(inner) || IsHashOrNonce(inner))
            {
                rendered = source;
                return true;
            }

            errors.Add(option, $"'{source}' is not a CSP keyword, nonce or hash; keywords are: {string.Join(", ", CspDirectives.Keywords.Order(StringComparer.Ordinal))}.");
            return false;
        }

        if (CspDirectives.Keywords.Contains(source))
        {
            rendered = $"'{source.ToLowerInvariant()}'";
            return true;
        }

        if (IsHashOrNonce(source))
        {
            rendered = $"'{source}'";
            return true;
        }

        if (source.Contains('\'', StringComparison.Ordinal) || source.Contains('"', StringComparison.Ordinal))
        {
            errors.Add(option, $"'{source}' is not a valid source: quotes belong only around a whole keyword (write self, not 'self).");
            return false;
        }

        rendered = source;
        return true;
    }

    private static bool IsHashOrNonce(string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == value.Length - 1)
        {
            return false;
        }

        var prefix = value[..dash].ToLowerInvariant();
        if (prefix is not ("nonce" or "sha256" or "sha384" or "sha512"))
        {
            return false;
        }

        foreach (var c in value.AsSpan(dash + 1))
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
