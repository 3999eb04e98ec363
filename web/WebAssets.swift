/// The browser client's files (`web/client`), compiled into the executable by SwiftPM's
/// `embedInCode` resources, so `securechat serve` serves exactly the code that was built with it
/// (docs/security.md, "What a browser user trusts"). Every file in `web/client` is listed here;
/// `WebAssetsTests` checks that the list and the directory agree.
public enum WebAssets {
    public struct Asset: Sendable {
        public let bytes: [UInt8]
        /// The `Content-Type` it is served with.
        public let contentType: String
    }

    static let js = "text/javascript; charset=utf-8"

    /// By file name (the client's directory is flat).
    public static let files: [String: Asset] = [
        "index.html": Asset(bytes: PackageResources.index_html, contentType: "text/html; charset=utf-8"),
        "app.css": Asset(bytes: PackageResources.app_css, contentType: "text/css; charset=utf-8"),
        "age.js": Asset(bytes: PackageResources.age_js, contentType: js),
        "app.js": Asset(bytes: PackageResources.app_js, contentType: js),
        "bytes.js": Asset(bytes: PackageResources.bytes_js, contentType: js),
        "chacha20poly1305.js": Asset(bytes: PackageResources.chacha20poly1305_js, contentType: js),
        "confusables.js": Asset(bytes: PackageResources.confusables_js, contentType: js),
        "envelope.js": Asset(bytes: PackageResources.envelope_js, contentType: js),
        "fernet.js": Asset(bytes: PackageResources.fernet_js, contentType: js),
        "group.js": Asset(bytes: PackageResources.group_js, contentType: js),
        "hpke.js": Asset(bytes: PackageResources.hpke_js, contentType: js),
        "icon.svg": Asset(bytes: PackageResources.icon_svg, contentType: "image/svg+xml"),
        "identity.js": Asset(bytes: PackageResources.identity_js, contentType: js),
        "invite.js": Asset(bytes: PackageResources.invite_js, contentType: js),
        "membership.js": Asset(bytes: PackageResources.membership_js, contentType: js),
        "names.js": Asset(bytes: PackageResources.names_js, contentType: js),
        "primitives.js": Asset(bytes: PackageResources.primitives_js, contentType: js),
        "protocol.js": Asset(bytes: PackageResources.protocol_js, contentType: js),
        "scrypt.js": Asset(bytes: PackageResources.scrypt_js, contentType: js),
        "session.js": Asset(bytes: PackageResources.session_js, contentType: js),
        "skeleton.js": Asset(bytes: PackageResources.skeleton_js, contentType: js),
        "store.js": Asset(bytes: PackageResources.store_js, contentType: js),
        "verifier.js": Asset(bytes: PackageResources.verifier_js, contentType: js),
        "view.js": Asset(bytes: PackageResources.view_js, contentType: js),
    ]

    /// Where Debian's `node-qrcode-generator` puts the QR code library the page draws invites
    /// with. It is served from there when present (it is not part of this program); without it
    /// the page shows the invite as a link only.
    public static let qrLibraryPath = "/usr/share/javascript/qrcode-generator/qrcode.js"
}
