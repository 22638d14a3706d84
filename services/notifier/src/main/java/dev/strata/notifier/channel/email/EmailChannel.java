package dev.strata.notifier.channel.email;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
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

/**
 * E-mail over SMTP with Jakarta Mail (Eclipse Angus): one plain-text message per notification to every address in
 * {@code to}. The SMTP password is a secret ({@code passwordRef}); {@code security} is {@code starttls} (default,
 * required), {@code ssl} (SMTPS) or {@code none} (only for a relay on a trusted network).
 */
@Singleton
public class EmailChannel implements NotificationChannel {

    public static final String TYPE = "email";

    /** Settings of an e-mail channel. */
    public record EmailSettings(String host, Integer port, String security, String username, String passwordRef,
            String from, List<String> to) {
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
    public List<String> check(JsonNode settings) {
        EmailSettings s = Settings.read(settings, EmailSettings.class, TYPE);
        Settings.required(s.host(), "host");
        if (s.port() != null && (s.port() < 1 || s.port() > 65535)) {
            throw new InvalidSettingsException("settings.port: must be between 1 and 65535");
        }
        security(s);
        address(Settings.required(s.from(), "from"), "from");
        if (s.to() == null || s.to().isEmpty()) {
            throw new InvalidSettingsException("settings.to: needs at least one address");
        }
        for (int i = 0; i < s.to().size(); i++) {
            address(s.to().get(i), "to[" + i + "]");
        }
        List<String> secrets = new ArrayList<>();
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
        try {
            guard.check(s.host());
        } catch (AddressRefusedException e) {
            if (!e.retryable()) {
                throw new InvalidSettingsException("settings.host: " + e.getMessage());
            }
        }
    }

    @Override
    public SendResult send(JsonNode settings, Secrets secrets, Notification notification, UUID deliveryId) {
        EmailSettings s = Settings.read(settings, EmailSettings.class, TYPE);
        try {
            // before any connection: a refused host must not tell open, closed and silent ports apart
            guard.check(s.host());
        } catch (AddressRefusedException e) {
            return SendResult.failed(null, "settings.host: " + e.getMessage());
        }
        String password = s.passwordRef() == null ? null : secrets.require(s.passwordRef());
        String security = security(s);
        Session session = Session.getInstance(properties(s, security));
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(s.from(), true));
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
                transport.connect(s.host(), port(s, security), s.username(), password);
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
            return SendResult.failed(null, "sending the e-mail through " + s.host() + " failed: " + reason(e));
        }
    }

    private Properties properties(EmailSettings s, String security) {
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

    private static int port(EmailSettings s, String security) {
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
        try {
            new InternetAddress(value, true).validate();
        } catch (AddressException e) {
            throw new InvalidSettingsException("settings." + setting + ": '" + value + "' is not an e-mail address");
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
