using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>The 403 of the AJAX-only check, for minimal APIs (<see cref="IResult"/>) and MVC (<see cref="IActionResult"/>) alike.</summary>
internal sealed class AjaxRequiredResult : IResult, IActionResult
{
    public static readonly AjaxRequiredResult Instance = new();

    private const string Detail = "This endpoint answers XMLHttpRequest calls only (X-Requested-With: XMLHttpRequest).";

    public Task ExecuteAsync(HttpContext httpContext) => ProblemResponse.WriteAsync(httpContext, StatusCodes.Status403Forbidden, Detail).AsTask();

    public Task ExecuteResultAsync(ActionContext context) => ExecuteAsync(context.HttpContext);
}
