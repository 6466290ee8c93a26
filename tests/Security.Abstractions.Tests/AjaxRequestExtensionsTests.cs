using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Security.Abstractions.Tests;

public class AjaxRequestExtensionsTests
{
    private static HttpRequest Request(StringValues? requestedWith)
    {
        var context = new DefaultHttpContext();
        if (requestedWith is { } value)
        {
            context.Request.Headers["X-Requested-With"] = value;
        }

        return context.Request;
    }

    [Test]
    public void Request_with_XMLHttpRequest_header_is_ajax()
    {
        Assert.That(Request("XMLHttpRequest").IsAjaxRequest(), Is.True);
    }

    [Test]
    public void Request_without_the_header_is_not_ajax()
    {
        Assert.That(Request(null).IsAjaxRequest(), Is.False);
    }

    [TestCase("")]
    [TestCase("fetch")]
    [TestCase("com.example.app")]
    [TestCase("XMLHttpRequest2")]
    [TestCase(" XMLHttpRequest")]
    public void Request_with_another_value_is_not_ajax(string value)
    {
        Assert.That(Request(value).IsAjaxRequest(), Is.False);
    }

    [TestCase("xmlhttprequest")]
    [TestCase("XMLHTTPREQUEST")]
    [TestCase("XmlHttpRequest")]
    public void Header_value_is_compared_ignoring_case(string value)
    {
        Assert.That(Request(value).IsAjaxRequest(), Is.True);
    }

    [Test]
    public void Header_name_is_matched_ignoring_case()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers["x-requested-with"] = "XMLHttpRequest";

        Assert.That(context.Request.IsAjaxRequest(), Is.True);
    }

    [Test]
    public void Request_with_two_header_values_is_not_ajax()
    {
        Assert.That(Request(new StringValues(["XMLHttpRequest", "XMLHttpRequest"])).IsAjaxRequest(), Is.False);
    }

    [Test]
    public void Header_constants_name_the_header_and_value()
    {
        Assert.That(AjaxRequestExtensions.RequestedWithHeader, Is.EqualTo("X-Requested-With"));
        Assert.That(AjaxRequestExtensions.XmlHttpRequest, Is.EqualTo("XMLHttpRequest"));
    }

    [Test]
    public void Null_request_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => AjaxRequestExtensions.IsAjaxRequest(null!));
    }
}
