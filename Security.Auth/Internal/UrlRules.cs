using System.Text;
using Microsoft.AspNetCore.Http;
using Security.Abstractions;

namespace Security.Auth.Internal;

/// <summary>URL checks and encodings shared by the Security.Auth middleware.</summary>
internal static class UrlRules
{
    /// <summary>A login or change-password URL: a local path, or an absolute http(s) URL.</summary>
    public static bool RequireLoginUrl(OptionsValidationErrors errors, string option, string value)
    {
        if (IsAbsoluteHttpUrl(value) && OptionsValidationErrors.IsHeaderSafe(value))
        {
            return true;
        }

        return errors.RequireLocalPath(option, value);
    }

    public static bool IsAbsoluteHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) &&
        (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) &&
        !value.Contains('\\', StringComparison.Ordinal);

    public static bool IsQueryName(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The path part of a login URL: itself when local, the absolute URL's path otherwise.</summary>
    public static string PathOf(string url)
    {
        if (IsAbsoluteHttpUrl(url))
        {
            return new Uri(url).AbsolutePath;
        }

        var end = url.AsSpan().IndexOfAny('?', '#');
        return end < 0 ? url : url[..end];
    }

    /// <summary>
    /// Makes a decoded request path safe to hand back as a return URL: every leading run of slashes,
    /// backslashes, whitespace and control characters becomes one <c>/</c>, and control characters
    /// are dropped everywhere, because browsers read <c>//host</c>, <c>/\host</c> and <c>/\t/host</c>
    /// as another site.
    /// </summary>
    public static string LocalPath(string path)
    {
        var start = 0;
        while (start < path.Length && (path[start] is '/' or '\\' || char.IsWhiteSpace(path[start]) || char.IsControl(path[start])))
        {
            start++;
        }

        var builder = new StringBuilder(path.Length - start + 1).Append('/');
        for (var i = start; i < path.Length; i++)
        {
            if (!char.IsControl(path[i]))
            {
                builder.Append(path[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The return URL of a sign-in challenge, in the form the cookie handler gives it (<c>PathBase + Path + query</c>,
    /// escaped as a URL), but with the path made local by <see cref="LocalPath"/>.
    /// </summary>
    public static string ReturnUrl(HttpRequest request) =>
        new PathString(LocalPath((request.PathBase + request.Path).Value ?? "/")).ToUriComponent() + request.QueryString.ToUriComponent();

    /// <summary>Whether the request is for <paramref name="path"/>, ignoring case and a trailing slash, relative to the app or with its PathBase.</summary>
    public static bool IsSamePath(HttpRequest request, string path) =>
        SamePath(request.Path.Value, path) || SamePath((request.PathBase + request.Path).Value, path);

    private static bool SamePath(string? path, string other) =>
        path is not null && path.AsSpan().TrimEnd('/').Equals(other.AsSpan().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>A local URL is relative to the app, as the cookie handler's <c>LoginPath</c> is: under <c>UsePathBase("/app")</c> it gains <c>/app</c>.</summary>
    public static string WithPathBase(HttpRequest request, string url) =>
        request.PathBase.HasValue && url.StartsWith('/') && !IsAbsoluteHttpUrl(url) ? request.PathBase.Value + url : url;
}
