using System.Net;
using System.Net.Sockets;

namespace Security.Testing;

/// <summary>Finds a TCP port on 127.0.0.1 that is free right now.</summary>
public static class FreePort
{
    /// <summary>
    /// Returns a port the operating system reports free on the loopback interface.
    /// Another process may take it before you bind it: retry on "address in use".
    /// </summary>
    /// <returns>A port number, e.g. <c>41873</c>.</returns>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
