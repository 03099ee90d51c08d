using IncidentBot.Bench;
using IncidentBot.Bench.Baselines;

// `storm [--quick]` runs the whole benchmark; `empty-endpoint <port>` is the HTTP baseline it starts as a child.
return args switch
{
    ["storm", .. var options] => await StormCommand.RunAsync(options.Contains("--quick") ? StormPlan.Quick : StormPlan.Full),
    [EmptyEndpoint.Command, var port] => await EmptyEndpoint.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/IncidentBot.Bench -- storm [--quick]");
    return 2;
}
