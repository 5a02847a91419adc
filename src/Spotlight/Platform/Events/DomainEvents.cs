using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Spotlight.Data;

namespace Spotlight.Platform.Events;

/// <summary>Something that happened in one module that others may react to (<c>GiftSent</c>, <c>UserFollowed</c>). Named in the past tense.</summary>
public interface IDomainEvent;

/// <summary>Reacts to one kind of event. Delivery is at least once: a handler must be idempotent (use the event's id).</summary>
public interface IDomainEventHandler<in TEvent> where TEvent : IDomainEvent
{
    Task HandleAsync(TEvent domainEvent, EventContext context, CancellationToken cancellationToken);
}

/// <summary>The outbox row's id (stable across redeliveries: a good deduplication key) and when the event happened.</summary>
public sealed record EventContext(Guid EventId, DateTime OccurredAt, int Attempt);

/// <summary>
/// One delivery of one event to one handler. Rows are written in the same transaction as the change that raised the
/// event, so an event is never lost to a crash between the change and its publication, and never published for a change
/// that rolled back. <see cref="OutboxRelay"/> delivers them.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }

    /// <summary>Shared by the rows of one event (one per handler).</summary>
    public Guid EventId { get; set; }

    public required string EventType { get; set; }

    public required string Handler { get; set; }

    public required string Payload { get; set; }

    public DateTime OccurredAt { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public int Attempts { get; set; }

    public DateTime? LockedUntil { get; set; }

    public DateTime? ProcessedAt { get; set; }

    /// <summary>Set when the handler failed <see cref="OutboxOptions.MaxAttempts"/> times: kept for an operator, not retried.</summary>
    public DateTime? DeadAt { get; set; }

    public string? LastError { get; set; }
}

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.Property(m => m.EventType).HasMaxLength(100);
        builder.Property(m => m.Handler).HasMaxLength(200);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.HasIndex(m => new { m.ProcessedAt, m.DeadAt, m.NextAttemptAt });
        builder.HasIndex(m => m.EventId);
    }
}

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    public int MaxAttempts { get; set; } = 10;

    public double PollIntervalSeconds { get; set; } = 1;

    public int BatchSize { get; set; } = 100;

    public double LeaseSeconds { get; set; } = 60;
}

/// <summary>Raises events: one outbox row per handler registered for the event's type, in the caller's unit of work.</summary>
public sealed class DomainEvents(EventHandlerRegistry registry, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public void Raise<TEvent>(SpotlightDb db, TEvent domainEvent) where TEvent : IDomainEvent
    {
        var handlers = registry.HandlersOf(typeof(TEvent));
        if (handlers.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var eventId = Guid.CreateVersion7();
        var payload = JsonSerializer.Serialize(domainEvent, Json);
        foreach (var handler in handlers)
        {
            db.Add(new OutboxMessage
            {
                Id = Guid.CreateVersion7(), EventId = eventId, EventType = typeof(TEvent).Name, Handler = handler.Name,
                Payload = payload, OccurredAt = now, NextAttemptAt = now,
            });
        }
    }

    internal static object Deserialize(string payload, Type type) => JsonSerializer.Deserialize(payload, type, Json)!;
}

/// <summary>Which handlers exist, by name (the handler's type name) and by event type.</summary>
public sealed class EventHandlerRegistry
{
    private readonly Dictionary<Type, List<HandlerRegistration>> _byEvent = [];
    private readonly Dictionary<string, HandlerRegistration> _byName = new(StringComparer.Ordinal);

    internal void Add(HandlerRegistration registration)
    {
        if (!_byEvent.TryGetValue(registration.EventType, out var list))
        {
            _byEvent[registration.EventType] = list = [];
        }

        list.Add(registration);
        _byName[registration.Name] = registration;
    }

    internal IReadOnlyList<HandlerRegistration> HandlersOf(Type eventType) => _byEvent.TryGetValue(eventType, out var list) ? list : [];

    internal HandlerRegistration? Find(string name) => _byName.GetValueOrDefault(name);
}

internal sealed record HandlerRegistration(string Name, Type EventType, Type HandlerType, Func<object, object, EventContext, CancellationToken, Task> Invoke);

public static class DomainEventServiceCollectionExtensions
{
    /// <summary>Subscribes <typeparamref name="THandler"/> to <typeparamref name="TEvent"/>; it runs in a scope of its own per delivery.</summary>
    public static IServiceCollection AddEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IDomainEvent
        where THandler : class, IDomainEventHandler<TEvent>
    {
        services.AddScoped<THandler>();
        var registry = services.Where(d => d.ServiceType == typeof(EventHandlerRegistry)).Select(d => d.ImplementationInstance).OfType<EventHandlerRegistry>().FirstOrDefault();
        if (registry is null)
        {
            registry = new EventHandlerRegistry();
            services.AddSingleton(registry);
        }

        registry.Add(new HandlerRegistration(HandlerName(typeof(THandler)), typeof(TEvent), typeof(THandler),
            (handler, domainEvent, context, cancellationToken) => ((THandler)handler).HandleAsync((TEvent)domainEvent, context, cancellationToken)));
        return services;
    }

    /// <summary>
    /// The name stored in outbox rows. A generic handler (one class serving several events) is named with its type
    /// arguments, <c>EventNotifier&lt;GiftSent&gt;</c>, since <c>EventNotifier`1</c> would name every instance alike.
    /// </summary>
    internal static string HandlerName(Type handlerType) => !handlerType.IsGenericType
        ? handlerType.Name
        : $"{handlerType.Name[..handlerType.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(",", handlerType.GenericTypeArguments.Select(HandlerName))}>";
}
