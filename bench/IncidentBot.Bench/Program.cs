using IncidentBot.Bench;
using IncidentBot.Bench.Baselines;

// `storm [--quick] [--store litedb|postgres] [--postgres "<connection string>"] [--replicas N] [--bot path/IncidentBot.dll] [--bot-env NAME=VALUE] [--warm-ups N]` runs the whole benchmark;
// `empty-endpoint <port>` is the HTTP baseline it starts as a child.
return args switch
{
    ["storm", .. var options] when StormOptions.TryParse(options, out var storm) => await StormCommand.RunAsync(storm),
    [EmptyEndpoint.Command, var port] => await EmptyEndpoint.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/IncidentBot.Bench -- storm [--quick] [--store litedb|postgres] [--postgres \"<connection string>\"] [--replicas N] [--bot path/IncidentBot.dll] [--bot-env NAME=VALUE] [--warm-ups N]");
    return 2;
}
