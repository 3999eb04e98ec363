import Logging
import NIOCore
import HummingbirdCore

/// Closes a connection that has sent no byte: `deadline` after it opened, or at once when the
/// server begins a graceful shutdown.
///
/// Hummingbird's HTTP connection handler (with its idle timeout and its answer to a shutdown)
/// joins the pipeline only once a first request has been read, so until then nothing would ever
/// close a connection that stays silent: a few of them hold a relay's shutdown open for good
/// (SIGTERM waits for every connection), and many hold sockets. A request, or a TLS handshake,
/// that has begun is left to the handlers behind this one.
final class FirstBytesDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let deadline: TimeAmount
    private var timer: Scheduled<Void>?

    /// - Parameter deadline: how long a new connection may stay silent.
    init(deadline: TimeAmount) {
        self.deadline = deadline
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The first bytes: this connection is the other handlers' from now on.
        timer?.cancel()
        timer = nil
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            timer?.cancel()
            timer = nil
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: deadline) {
            loopBound.value.close(promise: nil)
        }
    }
}

/// Puts a ``FirstBytesDeadlineHandler`` in front of every connection's pipeline.
struct FirstBytesDeadline<Base: ServerChildChannel>: ServerChildChannel {
    /// How long a connection may stay silent before it is closed.
    static var defaultDeadline: TimeAmount { .seconds(10) }

    let base: Base
    let deadline: TimeAmount

    init(_ base: Base, deadline: TimeAmount = Self.defaultDeadline) {
        self.base = base
        self.deadline = deadline
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Base.Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(FirstBytesDeadlineHandler(deadline: deadline), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return base.setup(channel: channel, logger: logger)
    }

    func handle(value: Base.Value, logger: Logger) async { await base.handle(value: value, logger: logger) }
}
