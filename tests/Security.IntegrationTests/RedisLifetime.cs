using Security.Testing;

namespace Security.IntegrationTests;

/// <summary>Stops this assembly's throwaway Redis server once every test has run.</summary>
[SetUpFixture]
public sealed class RedisLifetime
{
    [OneTimeTearDown]
    public Task StopRedis() => RedisServer.StopAsync();
}
