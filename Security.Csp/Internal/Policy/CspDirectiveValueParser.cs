using Security.Abstractions;

namespace Security.Csp.Internal.Policy;

/// <summary>Checks the values of one kind of directive and writes them as they go in the header.</summary>
internal abstract class CspDirectiveValueParser
{
    /// <summary>
    /// Adds the header form of <paramref name="values"/> to <paramref name="result"/> (a <see langword="null"/> item
    /// stands for the per-request nonce), or records in <paramref name="errors"/> why they are not valid.
    /// </summary>
    /// <param name="name">The directive, lower case, e.g. <c>script-src</c>.</param>
    /// <param name="values">The configured values.</param>
    /// <param name="option">The option path of the directive, e.g. <c>Security:Csp:Policy:script-src</c>.</param>
    /// <param name="errors">Where failures go.</param>
    /// <param name="result">Where the header values go.</param>
    public abstract void Parse(string name, string[] values, string option, OptionsValidationErrors errors, List<string?> result);
}
