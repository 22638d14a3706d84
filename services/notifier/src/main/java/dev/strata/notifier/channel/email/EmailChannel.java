package dev.strata.notifier.channel.email;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import com.fasterxml.jackson.databind.JsonNode;

import dev.strata.netguard.AddressGuard;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.notifier.channel.NotificationChannel;
import dev.strata.notifier.channel.SendResult;
import dev.strata.notifier.channel.Settings;
import dev.strata.notifier.config.NotifierConfig;
import dev.strata.notifier.notification.Notification;
import dev.strata.notifier.secret.Secrets;
import dev.strata.security.client.ResolvedConnection;

/**
 * E-mail over SMTP with Jakarta Mail (Eclipse Angus): one plain-text message per notification to every address in
 * {@code to}. The SMTP password is a secret ({@code passwordRef}); {@code security} is {@code starttls} (default,
 * required), {@code ssl} (SMTPS) or {@code none} (only for a relay on a trusted network). Instead of the server's
 * settings a channel may name an {@code smtp} connection of its namespace ({@code connection}): its host, port, sender,
 * user and password then come from the connection at each send, and the channel keeps {@code to} and
 * {@code security}.
 */
@Singleton
public class EmailChannel implements NotificationChannel {

    public static final String TYPE = "email";

    /** Settings of an e-mail channel. */
    public record EmailSettings(String host, Integer port, String security, String username, String passwordRef,
            String from, List<String> to, String connection) {
    }

    /** The kind of connection an e-mail channel may name. */
    public static final String CONNECTION_KIND = "smtp";

    /** The SMTP server, login and sender one send uses, from the settings or from the named connection. */
    private record Server(String host, Integer port, String username, String password, String from) {
        @Override
        public String toString() {
            return "Server[host=" + host + ", port=" + port + "]";
        }
    }

    private final Duration timeout;
    private final AddressGuard guard;

    @Inject
    EmailChannel(NotifierConfig config, AddressGuard guard) {
        this(config.delivery().timeout(), guard);
    }

    public EmailChannel(Duration timeout, AddressGuard guard) {
        this.timeout = timeout;
        this.guard = guard;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String connectionKind() {
        return CONNECTION_KIND;
    }

    @Override
    public List<String> check(JsonNode settings) {
        EmailSettings s = Settings.read(settings, EmailSettings.class, TYPE);
        security(s);
        if (s.to() == null || s.to().isEmpty()) {
            throw new InvalidSettingsException("settings.to: needs at least one address");
        }
        for (int i = 0; i < s.to().size(); i++) {
            address(s.to().get(i), "to[" + i + "]");
        }
        List<String> secrets = new ArrayList<>();
        if (s.connection() != null) {
            Map<String, String> replaced = new LinkedHashMap<>();
            replaced.put("host", s.host());
            replaced.put("port", s.port() == null ? null : s.port().toString());
            replaced.put("from", s.from());
            replaced.put("username", s.username());
            replaced.put("passwordRef", s.passwordRef());
            Settings.connectionRef(s.connection(), replaced, "the SMTP server, its login and the sender");
            return secrets;
        }
        Settings.required(s.host(), "host");
        if (s.port() != null && (s.port() < 1 || s.port() > 65535)) {
            throw new InvalidSettingsException("settings.port: must be between 1 and 65535");
        }
        address(Settings.required(s.from(), "from"), "from");
        boolean login = s.username() != null && !s.username().isBlank();
        Settings.secretRef(s.passwordRef(), "passwordRef", login, secrets);
        if (s.passwordRef() != null && !login) {
            throw new InvalidSettingsException("settings.username: is required with passwordRef");
        }
        return secrets;
    }

    @Override
    public void checkTarget(JsonNode settings, Secrets secrets) {
        EmailSettings s = Settings.read(settings, EmailSettings.class, TYPE);
        String setting = s.connection() != null ? "connection" : "host";
        Server server = server(s, secrets, false);
        if (s.connection() != null) {
            address(server.from(), "connection", "the connection's from");
        }
        try {
            guard.check(server.host());
        } catch (AddressRefusedException e) {
            if (!e.retryable()) {
                throw new InvalidSettingsException("settings." + setting + ": " + e.getMessage());
            }
        }
    }

    /**
     * The server of a send: the settings' own, or the named connection's, resolved now ({@code withPassword}: the
     * password's secret read too).
     */
    private static Server server(EmailSettings s, Secrets secrets, boolean withPassword) {
        if (s.connection() == null) {
            String password = withPassword && s.passwordRef() != null ? secrets.require(s.passwordRef()) : null;
            return new Server(s.host(), s.port(), s.username(), password, s.from());
        }
        ResolvedConnection c = Settings.connection(s.connection(), CONNECTION_KIND, TYPE, secrets);
        String host = Settings.field(c.setting("host"), c, "host");
        String port = Settings.field(c.setting("port"), c, "port");
        Integer number;
        try {
            number = Integer.valueOf(port);
        } catch (NumberFormatException e) {
            throw new Secrets.MissingSecretException("connection '" + c.name() + "' has a port that is not a number");
        }
        String from = Settings.field(c.setting("from"), c, "from");
        String user = c.setting("user").filter(u -> !u.isBlank()).orElse(null);
        String password = null;
        if (user != null && withPassword) {
            password = Settings.field(c.secret("passwordSecret"), c, "passwordSecret (it has a user)");
        }
        return new Server(host, number, user, password, from);
    }

    @Override
    public SendResult send(JsonNode settings, Secrets secrets, Notification notification, UUID deliveryId) {
        EmailSettings s = Settings.read(settings, EmailSettings.class, TYPE);
        Server server = server(s, secrets, true);
        try {
            // before any connection: a refused host must not tell open, closed and silent ports apart
            guard.check(server.host());
        } catch (AddressRefusedException e) {
            return SendResult.failed(null, (s.connection() != null ? "settings.connection: " : "settings.host: ")
                    + e.getMessage());
        }
        String security = security(s);
        Session session = Session.getInstance(properties(server, security));
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(server.from(), true));
            List<Address> to = new ArrayList<>();
            for (String address : s.to()) {
                to.add(new InternetAddress(address, true));
            }
            message.setRecipients(Message.RecipientType.TO, to.toArray(Address[]::new));
            message.setSubject("[Strata] " + notification.title(), "UTF-8");
            message.setText(notification.text(), "UTF-8");
            message.setSentDate(new Date());
            message.setHeader("X-Strata-Event-Id", notification.eventId().toString());
            message.setHeader("X-Strata-Delivery-Id", deliveryId.toString());
            String protocol = "ssl".equals(security) ? "smtps" : "smtp";
            try (Transport transport = session.getTransport(protocol)) {
                transport.connect(server.host(), port(server, security), server.username(), server.password());
                transport.sendMessage(message, message.getAllRecipients());
            }
            return SendResult.delivered(250);
        } catch (AuthenticationFailedException e) {
            return SendResult.failed(535, "the SMTP server refused the username or password");
        } catch (SMTPSendFailedException e) {
            return SendResult.failed(e.getReturnCode(), "the SMTP server refused the message: " + e.getMessage());
        } catch (SendFailedException e) {
            Integer code = e.getNextException() instanceof SMTPAddressFailedException a ? a.getReturnCode() : null;
            return SendResult.failed(code, "the SMTP server refused a recipient: " + e.getMessage());
        } catch (MessagingException e) {
            return SendResult.failed(null, "sending the e-mail through " + server.host() + " failed: " + reason(e));
        }
    }

    private Properties properties(Server s, String security) {
        Properties p = new Properties();
        String prefix = "ssl".equals(security) ? "mail.smtps." : "mail.smtp.";
        p.put(prefix + "host", s.host());
        p.put(prefix + "port", Integer.toString(port(s, security)));
        p.put(prefix + "auth", Boolean.toString(s.username() != null && !s.username().isBlank()));
        p.put(prefix + "connectiontimeout", Long.toString(timeout.toMillis()));
        p.put(prefix + "timeout", Long.toString(timeout.toMillis()));
        p.put(prefix + "writetimeout", Long.toString(timeout.toMillis()));
        if ("starttls".equals(security)) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        if ("ssl".equals(security)) {
            p.put("mail.smtps.ssl.checkserveridentity", "true");
        }
        return p;
    }

    private static int port(Server s, String security) {
        if (s.port() != null) {
            return s.port();
        }
        return switch (security) {
            case "ssl" -> 465;
            case "none" -> 25;
            default -> 587;
        };
    }

    private static String security(EmailSettings s) {
        String security = s.security() == null ? "starttls" : s.security();
        if (!List.of("starttls", "ssl", "none").contains(security)) {
            throw new InvalidSettingsException("settings.security: must be starttls, ssl or none");
        }
        return security;
    }

    private static void address(String value, String setting) {
        address(value, setting, null);
    }

    private static void address(String value, String setting, String what) {
        try {
            new InternetAddress(value, true).validate();
        } catch (AddressException e) {
            throw new InvalidSettingsException("settings." + setting + ": " + (what == null ? "" : what + " ") + "'"
                    + value + "' is not an e-mail address");
        }
    }

    private static String reason(MessagingException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
