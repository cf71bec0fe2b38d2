package dev.sekisho.web;

import dev.sekisho.config.ConfigReader;

import java.time.Duration;

/**
 * How long a client may take to send a request, and how many connections one address may hold
 * (issue 12 item 6: 200 slowloris connections stayed open for 40 s and longer, a body at 1 byte/s
 * was read for ever, and a chunked request without chunks hung). See {@link SlowClients}.
 *
 * @param headerTimeout          from connecting (or from the previous answer on a kept-alive
 *                               connection) until the request's headers are complete
 * @param bodyIdle               longest pause in a request body
 * @param requestTimeout         from the headers until the whole body has arrived
 * @param maxConnectionsPerAddress open connections one client address may hold (trusted proxies
 *                               are exempt: every client behind them shares their address)
 */
public record ConnectionLimits(Duration headerTimeout, Duration bodyIdle, Duration requestTimeout,
                               int maxConnectionsPerAddress) {

  static ConnectionLimits from(ConfigReader config) {
    return new ConnectionLimits(
        Duration.ofSeconds(config.integer("http.headerTimeoutSeconds", 1, 3600)),
        Duration.ofSeconds(config.integer("http.bodyIdleSeconds", 1, 3600)),
        Duration.ofSeconds(config.integer("http.requestTimeoutSeconds", 1, 86400)),
        config.integer("http.maxConnectionsPerAddress", 1, 1_000_000));
  }
}
