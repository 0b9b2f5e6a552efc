#!/usr/bin/perl
# A tiny HTTP/1.1 server for the probe tests, on 127.0.0.1:$PORT. It keeps connections alive, and it stops as many
# real servers do (Python's ThreadingHTTPServer, Node's before version 19): on SIGTERM it stops accepting, then waits
# for every open connection to be closed by its client before it exits. On stdout: "accepted" for each connection,
# "request <path>" for each request.
use strict;
use warnings;
use IO::Socket::INET;
use POSIX ();

$| = 1;
my $listener = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $ENV{PORT}, Listen => 128, ReuseAddr => 1)
    or die "cannot listen on port $ENV{PORT}: $!\n";
my $stopping = 0;
# Installed without SA_RESTART (as %SIG would), so that SIGTERM interrupts accept().
POSIX::sigaction(POSIX::SIGTERM, POSIX::SigAction->new(sub { $stopping = 1 })) or die "sigaction: $!\n";
print "listening on port $ENV{PORT}\n";

while (!$stopping) {
    my $client = $listener->accept or next; # interrupted by SIGTERM
    print "accepted\n";
    my $pid = fork;
    die "cannot fork: $!\n" unless defined $pid;
    if ($pid == 0) {
        $SIG{TERM} = 'IGNORE'; # SIGTERM goes to the whole group: a connection is served until its client closes it
        close $listener;
        serve($client);
        POSIX::_exit(0);
    }
    close $client;
}

close $listener;
print "SIGTERM: waiting for the open connections to close\n";
1 while waitpid(-1, 0) > 0;
print "every connection closed; exiting\n";
exit 0;

sub serve {
    my ($client) = @_;
    while (defined(my $line = <$client>)) {
        my ($path) = $line =~ m{^\S+ (\S+)};
        my $close = 0;
        while (defined(my $header = <$client>)) {
            last if $header =~ /^\r?\n$/;
            $close = 1 if $header =~ /^connection:\s*close/i;
        }
        print "request ", ($path // '?'), "\n";
        print $client "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";
        last if $close;
    }
    close $client;
}
