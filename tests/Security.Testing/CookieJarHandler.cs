using System.Net;

namespace Security.Testing;

/// <summary>
/// Keeps cookies across requests like a browser, for clients of a <c>TestServer</c> (whose own
/// handler ignores cookies). Several clients may share one <see cref="CookieContainer"/>, e.g. one
/// browser talking to two app instances.
/// </summary>
/// <example>
/// <code>
/// var jar = new CookieContainer();
/// var client = new HttpClient(new CookieJarHandler(jar) { InnerHandler = server.CreateHandler() }) { BaseAddress = new("http://localhost") };
/// </code>
/// </example>
public sealed class CookieJarHandler(CookieContainer cookies) : DelegatingHandler
{
    /// <summary>The cookies kept.</summary>
    public CookieContainer Cookies { get; } = cookies;

    /// <summary>Creates a client for <paramref name="inner"/> (e.g. <c>TestServer.CreateHandler()</c>) that keeps cookies in <paramref name="cookies"/>.</summary>
    /// <param name="inner">The handler that sends the request.</param>
    /// <param name="cookies">The cookie jar, shared or not.</param>
    public static HttpClient CreateClient(HttpMessageHandler inner, CookieContainer cookies) =>
        new(new CookieJarHandler(cookies) { InnerHandler = inner }) { BaseAddress = new Uri("http://localhost") };

    /// <summary>Marks every cookie whose name starts with <paramref name="namePrefix"/> expired, as a user deleting it would.</summary>
    /// <param name="namePrefix">E.g. <c>.AspNetCore.Session</c>.</param>
    public void Drop(string namePrefix)
    {
        foreach (Cookie cookie in Cookies.GetAllCookies())
        {
            if (cookie.Name.StartsWith(namePrefix, StringComparison.Ordinal))
            {
                cookie.Expired = true;
            }
        }
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var header = Cookies.GetCookieHeader(request.RequestUri!);
        if (header.Length > 0)
        {
            request.Headers.Remove("Cookie");
            request.Headers.Add("Cookie", header);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values)
            {
                Cookies.SetCookies(request.RequestUri!, value);
            }
        }

        return response;
    }
}
