using System.Net;
using Security.Testing;

namespace Security.Sessions.Tests;

/// <summary>A client that keeps cookies like a browser, and whose cookies a test can read, drop and plant.</summary>
internal sealed class TestBrowser(HttpClient client, CookieContainer cookies) : IDisposable
{
    private static readonly Uri Site = new("http://localhost");

    public HttpClient Client { get; } = client;

    private CookieContainer Cookies { get; } = cookies;

    public async Task<string> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return await response.Content.ReadAsStringAsync();
    }

    public async Task<string> PostAsync(string path, params (string Name, string Value)[] fields)
    {
        using var response = await Client.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        return await response.Content.ReadAsStringAsync();
    }

    public Task<string> SignInAsync(string user) => PostAsync("/login", ("username", user));

    public string? Cookie(string name) => Cookies.GetCookies(Site)[name]?.Value;

    /// <summary>Sets a cookie as another site (a sibling subdomain) or someone at the keyboard could.</summary>
    public void SetCookie(string name, string value) => Cookies.Add(Site, new Cookie(name, value));

    public void DropCookie(string name) => new CookieJarHandler(Cookies).Drop(name);

    public void Dispose() => Client.Dispose();
}
