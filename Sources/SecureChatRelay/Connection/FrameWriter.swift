import NIOCore

/// Sits just before the WebSocket encoder (after TLS, when there is TLS) and writes frames the
/// relay has already framed: the WebSocket header and the JSON in one buffer, made once per
/// message for all its receivers (`RelayConnection.encode`). Fan-out then costs each receiver
/// one buffer on its socket, with no encoding and no trip through the rest of the pipeline.
/// Everything else written on the channel passes through unchanged.
final class FrameWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// On the event loop: one framed text message.
    func write(framed: ByteBuffer) {
        context?.write(wrapOutboundOut(framed), promise: nil)
    }

    func flush() { context?.flush() }
}
