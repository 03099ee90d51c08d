namespace IncidentBot.Tests.Teams.Fakes;

/// <summary>Failures a test has queued for a fake; callers hold the fake's lock.</summary>
internal sealed class InjectedFaults
{
    private int _failures;
    private int _failureStatus;
    private int _throttles;
    private int _retryAfterSeconds;

    public bool Down { get; set; }

    public void FailNext(int count, int statusCode) => (_failures, _failureStatus) = (count, statusCode);

    public void ThrottleNext(int count, int retryAfterSeconds) => (_throttles, _retryAfterSeconds) = (count, retryAfterSeconds);

    /// <summary>The queued failure for this call, if any; throttles go first because a gateway sheds load before the service fails.</summary>
    public FakeAnswer? Take()
    {
        if (_throttles > 0)
        {
            _throttles--;
            return FakeAnswer.Error(429, "TooManyRequests", "Too many requests.", _retryAfterSeconds);
        }

        if (_failures > 0)
        {
            _failures--;
            return FakeAnswer.Error(_failureStatus, "ServiceError", "Injected failure.");
        }

        return null;
    }
}
