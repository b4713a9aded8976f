using Locus.Cli;

Locus.Models.NativeDeterminism.Configure();
return await LocusCli.RunAsync(args);
