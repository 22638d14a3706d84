package dev.strata.notifier.channel;

/**
 * How one attempt to send went.
 *
 * @param delivered    whether the receiver accepted the notification
 * @param responseCode the receiver's status code (HTTP status, or SMTP reply code), null if none came
 * @param error        what went wrong, for a person; null when delivered. Never holds a secret.
 */
public record SendResult(boolean delivered, Integer responseCode, String error) {

    public static SendResult delivered(Integer responseCode) {
        return new SendResult(true, responseCode, null);
    }

    public static SendResult failed(Integer responseCode, String error) {
        return new SendResult(false, responseCode, error);
    }
}
