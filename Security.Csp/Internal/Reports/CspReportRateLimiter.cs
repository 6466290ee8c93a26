using System.Buffers.Binary;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Security.Csp.Internal.Reports;

/// <summary>
/// The report endpoint's own per-client limiter: a fixed window per client address, from
/// System.Threading.RateLimiting. Owned by the endpoint rather than left to <c>UseRateLimiter</c>,
/// so an app that maps the endpoint is limited without any other call.
/// </summary>
/// <remarks>
/// The partitioned limiter replenishes every partition from one timer and disposes partitions that
/// have been idle (full again) for about ten seconds, so spoofing many addresses leaves no lasting state.
/// </remarks>
internal sealed class CspReportRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext>? _limiter;
    private readonly TimeSpan _window;

    public CspReportRateLimiter(IOptions<SecurityCspOptions> options)
    {
        var rateLimit = options.Value.Reports.RateLimit;
        _window = rateLimit.Window;
        if (!rateLimit.Enabled)
        {
            return;
        }

        var limiterOptions = new FixedWindowRateLimiterOptions
        {
            PermitLimit = rateLimit.PermitLimit,
            Window = rateLimit.Window,
            // A report is not worth holding a connection open: past the limit, answer at once.
            QueueLimit = 0,
            // The partitioned limiter replenishes every partition from its one timer instead of a timer each.
            AutoReplenishment = false,
        };
        // Both delegates are made once, so taking a permit allocates nothing.
        Func<UInt128, RateLimiter> create = _ => new FixedWindowRateLimiter(limiterOptions);
        _limiter = PartitionedRateLimiter.Create<HttpContext, UInt128>(context => RateLimitPartition.Get(ClientKey(context.Connection.RemoteIpAddress), create));
    }

    /// <summary>Takes one permit for the request's client; false with the time to wait when it has none left.</summary>
    public bool TryAcquire(HttpContext context, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(context);
        if (lease.IsAcquired)
        {
            return true;
        }

        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : _window;
        return false;
    }

    /// <summary>
    /// The partition of a client address: an IPv4 address on its own, an IPv6 address by its /64
    /// network (one subscriber usually holds a whole /64, so counting single addresses would give
    /// one client 2^64 budgets). No address (a Unix socket) is one shared partition.
    /// </summary>
    internal static UInt128 ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return UInt128.Zero;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            // Kept apart from every IPv6 /64 key (whose low half is zero) by a low half that is never zero.
            address.TryWriteBytes(bytes, out _);
            return new UInt128(0, 0x1_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(bytes));
        }

        address.TryWriteBytes(bytes, out _);
        return new UInt128(BinaryPrimitives.ReadUInt64BigEndian(bytes), 0);
    }

    public void Dispose() => _limiter?.Dispose();
}
