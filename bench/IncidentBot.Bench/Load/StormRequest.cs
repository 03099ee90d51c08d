namespace IncidentBot.Bench.Load;

/// <summary>One webhook the storm sends: where to, its bytes, and how many alerts it carries.</summary>
public sealed record StormRequest(string Path, byte[] Body, int Alerts);
