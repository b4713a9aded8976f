using Locus.Cli;

Locus.Models.NativeEnvironment.Configure();
return await LocusCli.RunAsync(args);
