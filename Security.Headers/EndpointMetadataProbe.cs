using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Headers;

/// <summary>
/// Tells whether any of the app's endpoints carries this package's metadata. When none does (most
/// apps, most of the time), a request skips the endpoint and metadata lookups entirely. The app's
/// endpoints are scanned on first use and again after they change; until a scan says "none", every
/// request does the lookups, so a new endpoint's metadata is never missed.
/// </summary>
internal sealed class EndpointMetadataProbe
{
    private const int Unknown = 0;
    private const int None = 1;
    private const int Some = 2;

    private readonly IServiceProvider _services;
    private volatile int _state;

    public EndpointMetadataProbe(IServiceProvider services) => _services = services;

    /// <summary>Whether a request must look at its endpoint's metadata.</summary>
    public bool MustLookUp => _state switch
    {
        None => false,
        Some => true,
        _ => Scan() == Some,
    };

    private int Scan()
    {
        // Without routing services no data source exists, yet custom code may still set an endpoint.
        if (_services.GetService<EndpointDataSource>() is not { } source)
        {
            return _state = Some;
        }

        // The token is taken before the scan: a change during the scan then fires it, and the next
        // request scans again.
        var changed = source.GetChangeToken();
        var state = None;
        foreach (var endpoint in source.Endpoints)
        {
            if (endpoint.Metadata.GetMetadata<ISecurityHeadersMetadata>() is not null)
            {
                state = Some;
                break;
            }
        }

        _state = state;
        changed.RegisterChangeCallback(static probe => ((EndpointMetadataProbe)probe!)._state = Unknown, this);
        return state;
    }
}
