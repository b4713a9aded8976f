using Locus.Cli;

return await LocusCli.RunAsync(args);
