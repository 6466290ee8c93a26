using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Security.Shared;

namespace Security.Profiling.Internal;

/// <summary>The profiles page: every value HTML-encoded, 404 to anyone the gate refuses.</summary>
internal sealed class ProfilesPage
{
    private readonly bool _enabled;
    private readonly ProfilingGate _gate;
    private readonly ProfileStore _store;

    public ProfilesPage(IOptions<SecurityProfilingOptions> options, ProfilingGate gate, ProfileStore store)
    {
        _enabled = options.Value.Enabled;
        _gate = gate;
        _store = store;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!_enabled || !await _gate.IsAllowedAsync(context))
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status404NotFound, detail: null);
            return;
        }

        var profiles = _store.Snapshot();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Profiles</title></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Latest profiles ({profiles.Count})</h1>\n");
        foreach (var profile in profiles)
        {
            html.Append("<section><h2>")
                .Append(HtmlEncoder.Default.Encode(profile.StartedAt.ToString("O", CultureInfo.InvariantCulture)))
                .Append(' ')
                .Append(HtmlEncoder.Default.Encode($"{profile.Method} {profile.Path}"))
                .Append("</h2><pre>")
                .Append(HtmlEncoder.Default.Encode(ProfileFormatter.Full(profile)))
                .Append("</pre></section>\n");
        }

        html.Append("</body></html>\n");

        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }
}
