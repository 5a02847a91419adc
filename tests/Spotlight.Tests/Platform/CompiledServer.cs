using Mono.Cecil;

namespace Spotlight.Tests.Platform;

/// <summary>
/// The compiled server read with Mono.Cecil, and how its types map to modules (<c>Spotlight.Wallet.Gifts</c> → <c>Wallet</c>):
/// shared by the checks on the code's shape (<see cref="ModuleBoundaryTests"/>, <see cref="PublicSurfaceTests"/>).
/// </summary>
internal static class CompiledServer
{
    public static ModuleDefinition Read() => Read(typeof(Program).Assembly.Location);

    public static ModuleDefinition Read(string assemblyPath)
    {
        var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        return ModuleDefinition.ReadModule(assemblyPath, new ReaderParameters { AssemblyResolver = resolver });
    }

    /// <summary><c>Spotlight.Wallet.Gifts</c> → <c>Wallet</c>; null outside the server's namespaces.</summary>
    public static string? ModuleOf(string? ns)
    {
        var parts = (ns ?? "").Split('.');
        return parts.Length >= 2 && parts[0] == "Spotlight" ? parts[1] : null;
    }

    public static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
        {
            type = type.DeclaringType;
        }

        return type;
    }

    /// <summary>Visible outside the assembly: public, and every enclosing type public too.</summary>
    public static bool IsPublic(TypeDefinition type) => type.IsPublic || (type.IsNestedPublic && IsPublic(type.DeclaringType));

    /// <summary>The folder of the repository's sources (the one holding Spotlight.slnx).</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Spotlight.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Spotlight.slnx not found above " + AppContext.BaseDirectory);
    }
}
