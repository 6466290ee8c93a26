using Microsoft.Extensions.Primitives;
using Security.Headers;

namespace Microsoft.AspNetCore.Http;

/// <summary>Reads the client's Do Not Track and Global Privacy Control preference.</summary>
public static class DoNotTrackHttpContextExtensions
{
    /// <summary>The request header of Do Not Track, echoed into the response by <c>UseSecurityHeaders()</c>.</summary>
    public const string DoNotTrackHeader = "DNT";

    /// <summary>The request header of Global Privacy Control.</summary>
    public const string GlobalPrivacyControlHeader = "Sec-GPC";

    /// <summary>
    /// The client's preference: <c>DNT: 1</c> gives <see cref="DoNotTrackPreference.DoNotTrack"/>
    /// <see langword="true"/>, another value <see langword="false"/>, no header <see langword="null"/>;
    /// <c>Sec-GPC: 1</c> gives <see cref="DoNotTrackPreference.GlobalPrivacyControl"/>. Allocates nothing.
    /// </summary>
    /// <param name="context">The current request's context.</param>
    public static DoNotTrackPreference GetDoNotTrack(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Request.Headers;
        StringValues dnt = headers[DoNotTrackHeader];
        bool? doNotTrack = dnt.Count == 0 ? null : dnt.Count == 1 && IsOne(dnt[0]);
        StringValues gpc = headers[GlobalPrivacyControlHeader];
        return new DoNotTrackPreference(doNotTrack, gpc.Count == 1 && IsOne(gpc[0]));
    }

    private static bool IsOne(string? value) => value.AsSpan().Trim().SequenceEqual("1");
}
