namespace Locus.Tests.Data;

/// <summary>A temporary folder for one test, deleted afterwards, and access to the copied sample files.</summary>
internal sealed class DataTestFiles : IDisposable
{
    public DataTestFiles()
    {
        Folder = Path.Combine(Path.GetTempPath(), "locus-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public string PathOf(string name) => Path.Combine(Folder, name);

    public string Write(string name, string content)
    {
        var path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    public static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "Samples", name);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
