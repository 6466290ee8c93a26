using Microsoft.Extensions.Primitives;

namespace Security.Csp.Internal.Policy;

/// <summary>The headers of one policy for one case (https with reports, http with reports, no reports).</summary>
internal sealed record CspHeaderVariant(CspHeaderTemplate? Enforce, CspHeaderTemplate? ReportOnly, StringValues ReportingEndpoints)
{
    public bool UsesNonce => (Enforce?.UsesNonce ?? false) || (ReportOnly?.UsesNonce ?? false);
}
