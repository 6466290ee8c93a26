namespace Security.Auth;

/// <summary>Endpoint metadata marking an endpoint that answers only AJAX requests (<c>X-Requested-With: XMLHttpRequest</c>).</summary>
public interface IRequireAjaxMetadata
{
}
