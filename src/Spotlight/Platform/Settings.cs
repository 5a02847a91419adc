using Microsoft.Extensions.Options;

namespace Spotlight.Platform;

/// <summary>
/// Settings the framework's way: a section is bound to its options class with <c>AddOptions&lt;T&gt;().BindConfiguration</c>,
/// checked by its validation when the server starts (<c>ValidateOnStart</c>), and read through <c>IOptions&lt;T&gt;</c>, or
/// <c>IOptionsMonitor&lt;T&gt;</c> where the admin console's stored settings can change a value while the node runs.
/// A refused setting stops start-up with its message (<see cref="StartupValidation"/>).
/// </summary>
public static class Settings
{
    /// <summary>Binds <typeparamref name="T"/> from <paramref name="section"/>, validated when the server starts.</summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services, string section) where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
    }

    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/>, checked once when the server starts through
    /// <c>IOptions&lt;T&gt;</c>, for settings the admin console can change in part (a split of <c>Wallet:Splits</c>):
    /// the framework's <c>ValidateOnStart</c> watches them through <c>IOptionsMonitor&lt;T&gt;</c> and would re-validate
    /// them on every reload, throwing into the console's save. A value changed at run time is judged by its reader.
    /// </summary>
    public static OptionsBuilder<T> AddStartupSettings<T>(this IServiceCollection services, string section) where T : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(new StartupCheck(sp => _ = sp.GetRequiredService<IOptions<T>>().Value));
        return services.AddOptions<T>().BindConfiguration(section);
    }

    /// <summary>
    /// Refuses the settings with every problem <paramref name="problems"/> finds, each a sentence naming its setting (for
    /// one rule and one message, the framework's <c>Validate(Func&lt;T, bool&gt;, string)</c> does).
    /// </summary>
    public static OptionsBuilder<T> ValidateWith<T>(this OptionsBuilder<T> builder, Func<T, IEnumerable<string>> problems) where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IValidateOptions<T>>(new ProblemsValidation<T>(builder.Name, problems));
        return builder;
    }

    /// <summary>
    /// Also serves the validated value as <typeparamref name="T"/> itself, for consumers that still take the class instead
    /// of <c>IOptions&lt;T&gt;</c> (the modules not yet moved). It is the same instance as <c>IOptions&lt;T&gt;.Value</c>.
    /// </summary>
    public static OptionsBuilder<T> ServedAsValue<T>(this OptionsBuilder<T> builder) where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return builder;
    }

    /// <summary>
    /// Reads a section once while services are registered, for the few values that choose what to register (the database
    /// provider, a job's interval). The options registered with <see cref="AddSettings{T}"/> stay what everything else reads,
    /// and their validation still decides whether the server starts.
    /// </summary>
    public static T ReadSettings<T>(this IConfiguration configuration, string section) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(section).Get<T>() ?? new T();
    }

    internal sealed record StartupCheck(Action<IServiceProvider> Run);

    private sealed class ProblemsValidation<T>(string? name, Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}

/// <summary>
/// Runs every <c>ValidateOnStart</c> check before the server does anything else (before a command, migrations or the
/// first request), and turns a refusal into a <see cref="StartupRefusedException"/>: Program.cs prints its message alone
/// and exits with 78, as for any other setting that stops start-up.
/// </summary>
public static class StartupValidation
{
    public static void RefuseInvalidSettings(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            foreach (var check in services.GetServices<Settings.StartupCheck>())
            {
                check.Run(services);
            }
        }
        catch (OptionsValidationException refused)
        {
            throw new StartupRefusedException(Describe([refused]));
        }
        catch (AggregateException refused) when (refused.InnerExceptions.All(e => e is OptionsValidationException))
        {
            throw new StartupRefusedException(Describe(refused.InnerExceptions.Cast<OptionsValidationException>()));
        }
    }

    internal static string Describe(IEnumerable<OptionsValidationException> refusals) =>
        string.Join(" ", refusals.SelectMany(r => r.Failures));
}
