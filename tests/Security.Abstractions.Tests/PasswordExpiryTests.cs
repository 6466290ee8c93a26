namespace Security.Abstractions.Tests;

public class PasswordExpiryTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Password_is_expired_when_the_date_is_now()
    {
        Assert.That(new PasswordExpiry("u", Now).IsExpired(Now), Is.True);
    }

    [Test]
    public void Password_is_expired_when_the_date_is_before_now()
    {
        Assert.That(new PasswordExpiry("u", Now.AddTicks(-1)).IsExpired(Now), Is.True);
    }

    [Test]
    public void Password_is_not_expired_when_the_date_is_after_now()
    {
        Assert.That(new PasswordExpiry("u", Now.AddTicks(1)).IsExpired(Now), Is.False);
    }

    [Test]
    public void Password_without_a_date_never_expires()
    {
        Assert.That(new PasswordExpiry("u", null).IsExpired(DateTimeOffset.MaxValue), Is.False);
    }

    [Test]
    public void Dates_in_other_offsets_are_compared_as_instants()
    {
        var sameInstant = Now.ToOffset(TimeSpan.FromHours(5));

        Assert.That(new PasswordExpiry("u", sameInstant).IsExpired(Now), Is.True);
        Assert.That(new PasswordExpiry("u", sameInstant.AddSeconds(1)).IsExpired(Now), Is.False);
    }
}
