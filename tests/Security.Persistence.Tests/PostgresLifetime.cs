using Security.Testing;

namespace Security.Persistence.Tests;

/// <summary>Stops this assembly's throwaway PostgreSQL cluster and MariaDB server once every test has run.</summary>
[SetUpFixture]
public sealed class PostgresLifetime
{
    [OneTimeTearDown]
    public async Task StopServers()
    {
        await PostgresServer.StopAsync();
        await MariaDbServer.StopAsync();
    }
}
