using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Security.Shared;

/// <summary>
/// The body of a 4xx a package answers by itself: problem details (RFC 9457) through the app's own
/// <see cref="IProblemDetailsService"/> when it registered one (<c>AddProblemDetails()</c>), so our answers look like
/// the app's and its customizations apply; otherwise the detail as <c>text/plain</c>, or no body when there is none.
/// </summary>
internal static class ProblemResponse
{
    /// <summary>Sets <paramref name="status"/> and writes the body, unless the response has started.</summary>
    /// <param name="context">The request.</param>
    /// <param name="status">A 4xx status code.</param>
    /// <param name="detail">What was wrong, in words safe to show any client; <see langword="null"/> for none.</param>
    /// <param name="extensions">Extra members of the problem object (e.g. <c>login_url</c>), or <see langword="null"/>.</param>
    /// <returns>Whether problem details were written.</returns>
    public static async ValueTask<bool> WriteAsync(
        HttpContext context, int status, string? detail, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return false;
        }

        response.StatusCode = status;
        if (context.RequestServices?.GetService<IProblemDetailsService>() is { } problems)
        {
            var problem = new ProblemDetailsContext { HttpContext = context };
            problem.ProblemDetails.Status = status;
            problem.ProblemDetails.Detail = detail;
            foreach (var (name, value) in extensions ?? [])
            {
                problem.ProblemDetails.Extensions[name] = value;
            }

            if (await problems.TryWriteAsync(problem))
            {
                return true;
            }
        }

        if (detail is not null)
        {
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(detail, context.RequestAborted);
        }

        return false;
    }
}
