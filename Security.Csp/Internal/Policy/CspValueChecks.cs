using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>Checks shared by several kinds of directive value and by the reporting options.</summary>
internal static class CspValueChecks
{
    /// <summary>
    /// Requires a non-empty single token: CR, LF, <c>;</c>, <c>,</c>, whitespace, control and non-ASCII
    /// characters would end the source, the directive or the header.
    /// </summary>
    public static bool CheckInjection(string? value, string option, OptionsValidationErrors errors)
    {
        if (string.IsNullOrEmpty(value))
        {
            errors.Add(option, "an empty source is not allowed.");
            return false;
        }

        foreach (var c in value)
        {
            var problem = c switch
            {
                '\r' => "CR",
                '\n' => "LF",
                ';' => "';'",
                ',' => "','",
                _ when c is ' ' or '\t' => "whitespace",
                _ when c < 0x20 || c > 0x7E => "a control or non-ASCII character",
                _ => null,
            };
            if (problem is not null)
            {
                errors.Add(option, $"'{Printable(value)}' contains {problem}, which would change the header (header injection); give one source per array item.");
                return false;
            }
        }

        return true;
    }

    /// <summary>A Reporting API endpoint name: letters, digits, <c>-</c> and <c>_</c>.</summary>
    public static bool IsEndpointName(string? value) =>
        !string.IsNullOrEmpty(value) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>The value as an error message shows it: CR and LF visible, so the message stays one line.</summary>
    public static string Printable(string? value) =>
        value is null ? "(null)" : value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
