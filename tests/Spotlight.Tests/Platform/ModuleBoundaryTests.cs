using Microsoft.EntityFrameworkCore;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Spotlight.Data;
using Spotlight.Tests.Infrastructure;

namespace Spotlight.Tests.Platform;

/// <summary>
/// The module rules of docs/architecture.md, checked on the compiled code (Mono.Cecil reads every type, signature and
/// method body, lambdas and async state machines included): a feature module never uses another module's entities (its
/// tables) nor its non-public types; it asks the owner through a public interface or reacts to its events. Platform and
/// Data are shared by all. What the code still does against the rules is listed, line by line, in
/// <c>module-boundary-debt.txt</c>: a new crossing fails the test, and so does a listed one that is gone (strike it).
/// </summary>
public sealed class ModuleBoundaryTests(SpotlightApp app) : IClassFixture<SpotlightApp>
{
    private static readonly string[] SharedKernel = ["Platform", "Data"];

    [Fact]
    public void Modules_use_no_other_modules_entities_or_internals_beyond_the_listed_debt()
    {
        var found = Crossings().ToHashSet(StringComparer.Ordinal);
        var debt = ListedDebt();
        var added = found.Except(debt).Order(StringComparer.Ordinal).ToList();
        var paid = debt.Except(found).Order(StringComparer.Ordinal).ToList();
        Assert.True(added.Count == 0,
            "A module reaches into another module (use its public interface or its events instead):\n" + string.Join("\n", added));
        Assert.True(paid.Count == 0, "Paid debt: strike these lines from module-boundary-debt.txt:\n" + string.Join("\n", paid));
    }

    [Fact]
    public void The_rule_catches_a_deliberate_violation()
    {
        // A handler that counts active users through db.Users, scanned as if it were Wallet's: the query sits in a lambda
        // inside an async state machine, the shape most handlers compile to, and must still be seen.
        var entities = EntityModules();
        Assert.Equal("Identity", entities["Spotlight.Identity.User"]);
        var scanned = LoadTestAssembly().GetTypes().Single(t => t.FullName == typeof(DeliberateViolation).FullName);
        var crossings = WithNested(scanned).SelectMany(t => CrossingsOf(t, "Wallet", entities)).ToList();
        Assert.Contains($"{typeof(DeliberateViolation).FullName} -> entity Spotlight.Identity.User", crossings);
    }

    private static IEnumerable<TypeDefinition> WithNested(TypeDefinition type) => [type, .. type.NestedTypes.SelectMany(WithNested)];

    private IEnumerable<string> Crossings()
    {
        var entities = EntityModules();
        var module = CompiledServer.Read();
        foreach (var type in module.GetTypes())
        {
            var owner = ModuleOf(Outermost(type).Namespace);
            // An entity's mapping may name another module's entity for a foreign key (a message's sender is a user):
            // the database keeps the reference whole, and the mapping is not code that reads the other's rows.
            if (owner is null || SharedKernel.Contains(owner) || type.Interfaces.Any(i => i.InterfaceType.Name.StartsWith("IEntityTypeConfiguration", StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (var crossing in CrossingsOf(type, owner, entities))
            {
                yield return crossing;
            }
        }
    }

    private static IEnumerable<string> CrossingsOf(TypeDefinition type, string owner, Dictionary<string, string> entities)
    {
        var from = Outermost(type).FullName;
        foreach (var used in ReferencedTypes(type).Distinct())
        {
            var usedModule = ModuleOf(Outermost(used).Namespace);
            if (usedModule is null || usedModule == owner || SharedKernel.Contains(usedModule))
            {
                continue;
            }

            if (entities.ContainsKey(used.FullName))
            {
                yield return $"{from} -> entity {used.FullName}";
            }
            else if (used.Resolve() is { } definition && !IsPublic(definition) && !definition.IsNested)
            {
                yield return $"{from} -> internal {used.FullName}";
            }
        }
    }

    private static IEnumerable<TypeReference> ReferencedTypes(TypeDefinition type)
    {
        IEnumerable<TypeReference> Expand(TypeReference? reference)
        {
            if (reference is null)
            {
                yield break;
            }

            if (reference is GenericInstanceType generic)
            {
                foreach (var argument in generic.GenericArguments)
                {
                    foreach (var inner in Expand(argument))
                    {
                        yield return inner;
                    }
                }
            }

            var element = reference.GetElementType();
            if (ModuleOf(Outermost(element).Namespace) is not null)
            {
                yield return element;
            }
        }

        var references = new List<TypeReference?> { type.BaseType };
        references.AddRange(type.Interfaces.Select(i => i.InterfaceType));
        references.AddRange(type.Fields.Select(f => f.FieldType));
        references.AddRange(type.Properties.Select(p => p.PropertyType));
        foreach (var method in type.Methods)
        {
            references.Add(method.ReturnType);
            references.AddRange(method.Parameters.Select(p => p.ParameterType));
            if (!method.HasBody)
            {
                continue;
            }

            references.AddRange(method.Body.Variables.Select(v => v.VariableType));
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        references.Add(t);
                        break;
                    case MethodReference m:
                        references.Add(m.DeclaringType);
                        references.Add(m.ReturnType);
                        references.AddRange(m.Parameters.Select(p => p.ParameterType));
                        if (m is GenericInstanceMethod gm)
                        {
                            references.AddRange(gm.GenericArguments);
                        }

                        break;
                    case FieldReference f:
                        references.Add(f.DeclaringType);
                        references.Add(f.FieldType);
                        break;
                }
            }
        }

        return references.SelectMany(Expand);
    }

    private static TypeReference Outermost(TypeReference type) => CompiledServer.Outermost(type);

    private static string? ModuleOf(string? ns) => CompiledServer.ModuleOf(ns);

    private static bool IsPublic(TypeDefinition type) => CompiledServer.IsPublic(type);

    /// <summary>Every entity the database maps, by full name, with the module that owns it (its namespace).</summary>
    private Dictionary<string, string> EntityModules()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<SpotlightDb>();
        return db.Model.GetEntityTypes().Select(e => e.ClrType).Where(t => ModuleOf(t.Namespace) is not null).Distinct()
            .ToDictionary(t => t.FullName!, t => ModuleOf(t.Namespace)!);
    }

    private static HashSet<string> ListedDebt() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Platform", "module-boundary-debt.txt"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);

    private static ModuleDefinition LoadTestAssembly() => CompiledServer.Read(typeof(ModuleBoundaryTests).Assembly.Location);
}

/// <summary>What a module must not do: read Identity's users table (see the test above).</summary>
internal static class DeliberateViolation
{
    public static async Task<int> CountActiveUsersAsync(SpotlightDb db) => await db.Users.CountAsync(u => u.BannedAt == null);
}
