namespace Security.Csp;

/// <summary>
/// The per-client limit on requests to the report endpoint (<c>Security:Csp:Reports:RateLimit</c>):
/// a fixed window per client address, past which the endpoint answers 429 with <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// A page view sends a handful of reports (one request per violation with <c>report-uri</c>, one
/// batch with <c>report-to</c>), so 100 requests a minute leaves room for a badly broken page and
/// several users behind one address, while a flood from one address is cut to fewer than two
/// requests a second. Clients are told apart by <c>HttpContext.Connection.RemoteIpAddress</c>
/// (IPv6 by its /64 network): behind a proxy, use <c>UseForwardedHeaders</c> first, or every
/// client shares the proxy's limit.
/// </remarks>
public sealed class CspReportRateLimitOptions
{
    /// <summary>Whether the limit applies. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests one client address may send per <see cref="Window"/>. Default 100.</summary>
    public int PermitLimit { get; set; } = 100;

    /// <summary>The length of the window. Default 1 minute (<c>00:01:00</c>).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
