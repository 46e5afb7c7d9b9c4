//! Serving the router on every core: one single-threaded tokio runtime per
//! worker thread, each accepting on its own socket bound to the same address
//! with `SO_REUSEPORT`, so the kernel spreads connections over the workers and
//! a request is read, answered and written on the thread that accepted it.
//! Concept pages are answered from memory in microseconds; on one runtime with
//! worker threads, waking those threads and switching between them cost about
//! a quarter of the server's time.
//!
//! Blocking work (store reads, SPARQL) still goes to `spawn_blocking`: each
//! runtime has its own blocking pool, and the limits in `AppState` are shared.
//! There is one worker per available core, or `GLOSSGRAPH_WORKERS` of them
//! (to leave cores to other programs, or where the count is misreported).
//! Where `SO_REUSEPORT` does not spread connections (outside Linux), the
//! workers share one socket instead.

use super::ready::Gate;
use std::future::Future;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::num::NonZeroUsize;
use tokio::net::{TcpListener, TcpSocket};
use tokio::runtime::Runtime;
use tokio::sync::watch;

/// The environment variable that sets the number of worker threads.
pub const WORKERS_VAR: &str = "GLOSSGRAPH_WORKERS";

/// Connections waiting to be accepted, per socket (tokio's default).
const BACKLOG: u32 = 1024;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {address} (pass another --bind address)")]
    Bind {
        address: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot start the async runtime")]
    Runtime(#[source] io::Error),
    #[error("{WORKERS_VAR} must be a number of threads from 1 up, not `{0}`")]
    Workers(String),
    #[error("a server thread failed")]
    Thread(#[source] io::Error),
    #[error("a server thread panicked")]
    Panicked,
}

/// How many workers to run: `GLOSSGRAPH_WORKERS` if set, else one per core.
pub fn workers() -> Result<NonZeroUsize, ServeError> {
    match std::env::var(WORKERS_VAR) {
        Ok(text) => parse_workers(&text),
        Err(std::env::VarError::NotPresent) => parse_workers(""),
        Err(std::env::VarError::NotUnicode(text)) => {
            Err(ServeError::Workers(text.to_string_lossy().into_owned()))
        }
    }
}

/// `text` as a number of workers; empty means one per core.
fn parse_workers(text: &str) -> Result<NonZeroUsize, ServeError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN));
    }
    text.parse()
        .map_err(|_| ServeError::Workers(text.to_owned()))
}

/// A worker's runtime with the socket it accepts on.
struct Worker {
    runtime: Runtime,
    listener: TcpListener,
}

/// Sockets bound to one address, one per worker, ready to serve.
pub struct Listeners {
    address: SocketAddr,
    workers: Vec<Worker>,
}

impl Listeners {
    /// Binds `workers` sockets to `address` (`host:port`; port 0 picks a free
    /// one), each with its own runtime whose blocking pool runs at most
    /// `blocking` threads; every error names the address.
    pub fn bind(
        address: &str,
        workers: NonZeroUsize,
        blocking: NonZeroUsize,
    ) -> Result<Self, ServeError> {
        let bind_error = |source| ServeError::Bind {
            address: address.to_owned(),
            source,
        };
        let runtimes = (0..workers.get())
            .map(|_| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .max_blocking_threads(blocking.get())
                    .build()
            })
            .collect::<io::Result<Vec<_>>>()
            .map_err(ServeError::Runtime)?;
        let candidates = address.to_socket_addrs().map_err(bind_error)?;
        let mut last_error = None;
        for candidate in candidates {
            match bind_all(candidate, &runtimes) {
                Ok((address, listeners)) => {
                    let workers = runtimes
                        .into_iter()
                        .zip(listeners)
                        .map(|(runtime, listener)| Worker { runtime, listener })
                        .collect();
                    return Ok(Self { address, workers });
                }
                Err(e) => last_error = Some(e),
            }
        }
        Err(bind_error(last_error.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, "the name has no address")
        })))
    }

    /// The address bound (with the port chosen, if 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// Serves what `app` lets through on every worker until `shutdown`
    /// resolves, then lets each finish the requests in flight. `background`
    /// (such as `watch`) runs on the first worker, which is the calling
    /// thread, and is dropped at shutdown.
    pub fn serve(
        self,
        app: Gate,
        background: impl Future<Output = ()> + Send + 'static,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServeError> {
        let (stop, stopped) = watch::channel(false);
        let mut workers = self.workers.into_iter();
        let Some(first) = workers.next() else {
            return Ok(());
        };
        let mut threads = Vec::new();
        for (i, worker) in workers.enumerate() {
            let app = app.clone();
            let stopped = stopped.clone();
            let thread = std::thread::Builder::new()
                .name(format!("glossgraph-serve-{}", i + 1))
                .spawn(move || run(worker, app, stopped));
            match thread {
                Ok(thread) => threads.push(thread),
                Err(e) => {
                    let _ = stop.send(true);
                    let _ = join(threads);
                    return Err(ServeError::Runtime(e));
                }
            }
        }
        let Worker { runtime, listener } = first;
        let served = runtime.block_on(async move {
            let background = tokio::spawn(background);
            tokio::spawn(async move {
                shutdown.await;
                let _ = stop.send(true);
            });
            let served = serve_until(listener, app, stopped).await;
            background.abort();
            served
        });
        let others = join(threads);
        served.and(others)
    }
}

/// Binds one socket per runtime to `address`, each registered with its runtime.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn bind_all(
    address: SocketAddr,
    runtimes: &[Runtime],
) -> io::Result<(SocketAddr, Vec<TcpListener>)> {
    // A port held by another server must fail here, as it would without
    // SO_REUSEPORT, not be shared with it: bind once without the option
    // first. This also learns the port when 0 was asked for.
    let address = {
        let probe = new_socket(address)?;
        probe.bind(address)?;
        probe.local_addr()?
    };
    let mut listeners = Vec::with_capacity(runtimes.len());
    for runtime in runtimes {
        let socket = new_socket(address)?;
        socket.set_reuseport(true)?;
        socket.bind(address)?;
        let _entered = runtime.enter();
        listeners.push(socket.listen(BACKLOG)?);
    }
    Ok((address, listeners))
}

/// One socket shared by every runtime: `SO_REUSEPORT` does not spread
/// connections here.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn bind_all(
    address: SocketAddr,
    runtimes: &[Runtime],
) -> io::Result<(SocketAddr, Vec<TcpListener>)> {
    let socket = new_socket(address)?;
    socket.bind(address)?;
    let address = socket.local_addr()?;
    let shared = {
        let _entered = runtimes[0].enter();
        socket.listen(BACKLOG)?.into_std()?
    };
    let mut listeners = Vec::with_capacity(runtimes.len());
    for runtime in runtimes {
        let _entered = runtime.enter();
        listeners.push(TcpListener::from_std(shared.try_clone()?)?);
    }
    Ok((address, listeners))
}

/// A socket for `address`, reusable while old connections linger, as
/// `TcpListener::bind` makes them.
fn new_socket(address: SocketAddr) -> io::Result<TcpSocket> {
    let socket = if address.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    Ok(socket)
}

/// A worker thread: serves until told to stop.
fn run(worker: Worker, app: Gate, stopped: watch::Receiver<bool>) -> Result<(), ServeError> {
    let Worker { runtime, listener } = worker;
    runtime.block_on(serve_until(listener, app, stopped))
}

async fn serve_until(
    listener: TcpListener,
    app: Gate,
    mut stopped: watch::Receiver<bool>,
) -> Result<(), ServeError> {
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            // A dropped sender (the first worker gone) stops this one too.
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await
        .map_err(ServeError::Thread)
}

/// Waits for every worker thread; the first failure is the answer.
fn join(threads: Vec<std::thread::JoinHandle<Result<(), ServeError>>>) -> Result<(), ServeError> {
    let mut result = Ok(());
    for thread in threads {
        let outcome = thread.join().unwrap_or(Err(ServeError::Panicked));
        if result.is_ok() {
            result = outcome;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workers_default_to_the_cores_and_refuse_nonsense() {
        assert!(parse_workers("").is_ok());
        assert_eq!(parse_workers(" 3 ").unwrap().get(), 3);
        for bad in ["0", "-1", "two", "1.5"] {
            let message = parse_workers(bad).unwrap_err().to_string();
            assert!(
                message.contains(WORKERS_VAR) && message.contains(bad),
                "{message}"
            );
        }
    }

    #[test]
    fn a_taken_port_is_refused_not_shared() {
        let two = NonZeroUsize::new(2).unwrap();
        let first = Listeners::bind("127.0.0.1:0", two, two).expect("a free port");
        assert_eq!(first.workers.len(), 2);
        let taken = first.local_addr().to_string();
        let err = Listeners::bind(&taken, two, two)
            .err()
            .expect("the port is taken");
        assert!(err.to_string().contains(&taken), "{err}");
    }

    #[test]
    fn every_worker_answers_and_all_stop_together() {
        let three = NonZeroUsize::new(3).unwrap();
        let listeners = Listeners::bind("127.0.0.1:0", three, three).unwrap();
        let address = listeners.local_addr();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app =
            Gate::serving(axum::Router::new().route("/", axum::routing::get(|| async { "hello" })));
        let server = std::thread::spawn(move || {
            listeners.serve(app, std::future::pending(), async {
                let _ = stopped.await;
            })
        });
        use std::io::{Read, Write};
        for _ in 0..12 {
            let mut client = std::net::TcpStream::connect(address).unwrap();
            client
                .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            client.read_to_string(&mut answer).unwrap();
            assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("hello"));
        }
        stop.send(()).unwrap();
        server.join().unwrap().unwrap();
        assert!(std::net::TcpStream::connect(address).is_err());
    }
}
