//! numbox's own MPI communication, with MPI's return codes turned into `Err`.
//!
//! rsmpi ignores the codes MPI functions return and leaves every communicator on MPI's
//! default handler, `MPI_ERRORS_ARE_FATAL`, which aborts the job on the first error. The
//! communicators numbox owns (the duplicates a [`DistArray`](super::DistArray) holds) are
//! switched to `MPI_ERRORS_RETURN` ([`errors_return`]) and every message numbox sends on
//! them goes through the functions here: plain `mpi::ffi` calls whose codes become an `Err`
//! of kind [`Mpi`](crate::ErrorKind::Mpi) with `MPI_Error_string`'s text, the operation and
//! the rank.
//!
//! What MPI guarantees after it returned an error is little: the standard (MPI 3.1 §8.3)
//! only promises that the handler ran, not that the communicator or MPI as a whole still
//! works. An error MPI finds in the arguments before any message moves (a rank, root, tag or
//! count out of range; Open MPI checks these by default, `mpi_param_check`) is reported on
//! the rank that made the call, and the communicator stays usable in practice. A failure
//! during a transfer (a peer gone) is reported where MPI notices it; a rank waiting on a
//! message the failed rank would have sent may wait forever, and nothing short of MPI's
//! fault-tolerance extensions (ULFM) lets the other ranks find out.
//!
//! Every buffer handed to MPI here is a Rust slice whose length is checked against the
//! counts (the collective's counts and displacements included) before the call, and the
//! non-blocking messages of a [`Batch`] borrow their buffers until [`exchange`] has seen
//! every request complete (also when the code between posting and waiting panics), so MPI
//! never touches memory Rust has freed or lent to someone else. After an MPI failure in an
//! exchange, its receives still pending are cancelled: a message that arrives later may then
//! be matched by the next exchange on the communicator, one more reason to treat a
//! communicator that failed in flight as broken.

use crate::error::{Error, ErrorKind, Result};
use mpi::datatype::Equivalence;
use mpi::ffi;
use mpi::raw::AsRaw;
use mpi::topology::{Communicator, SimpleCommunicator};
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int, c_void};

/// `MPI_SUCCESS` as MPI functions return it.
const SUCCESS: c_int = ffi::MPI_SUCCESS as c_int;

/// `Ok` for `MPI_SUCCESS`, otherwise an `Err` of kind `Mpi` naming `what` (numbox's
/// operation), `op` (the MPI function), this rank and MPI's own text for `code`.
fn check(code: c_int, comm: &SimpleCommunicator, what: &str, op: &str) -> Result<()> {
    if code == SUCCESS {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Mpi,
        format!(
            "{what}: {op} failed on rank {} of {}: {} (MPI error code {code})",
            comm.rank(),
            comm.size(),
            error_string(code)
        ),
    ))
}

/// MPI's description of an error code.
fn error_string(code: c_int) -> String {
    let mut text = [0 as c_char; ffi::MPI_MAX_ERROR_STRING as usize];
    let mut len: c_int = 0;
    // SAFETY: `text` has room for MPI_MAX_ERROR_STRING characters, as MPI_Error_string
    // requires, and `len` is a valid place for the length it writes.
    let rc = unsafe { ffi::MPI_Error_string(code, text.as_mut_ptr(), &mut len) };
    if rc != SUCCESS {
        return "unknown MPI error".to_string();
    }
    let len = (len.max(0) as usize).min(text.len());
    let bytes: Vec<u8> = text[..len].iter().map(|&c| c as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Makes MPI report errors on `comm` as return codes (`MPI_ERRORS_RETURN`) instead of
/// aborting the job. Only for communicators numbox created: the caller's own keep their
/// handler.
pub(crate) fn errors_return(comm: &SimpleCommunicator, what: &str) -> Result<()> {
    // SAFETY: `comm` is a live communicator handle (a `SimpleCommunicator` frees its handle
    // only on drop) and `RSMPI_ERRORS_RETURN` is MPI's predefined handler, a constant
    // initialised by the C library before `main`.
    let code = unsafe { ffi::MPI_Comm_set_errhandler(comm.as_raw(), ffi::RSMPI_ERRORS_RETURN) };
    check(code, comm, what, "MPI_Comm_set_errhandler")
}

/// `n` as an MPI count.
fn count(n: usize, what: &str) -> Result<c_int> {
    c_int::try_from(n).map_err(|_| {
        Error::new(
            ErrorKind::InvalidArgument,
            format!("{what}: {n} elements exceed MPI's count limit (2^31 - 1); use more ranks"),
        )
    })
}

fn datatype<T: Equivalence>() -> ffi::MPI_Datatype {
    T::equivalent_datatype().as_raw()
}

/// Panics unless every `(count, displacement)` block lies inside a buffer of `len`
/// elements: what makes the varcount collectives' raw pointers sound.
fn assert_blocks(counts: &[c_int], displs: &[c_int], len: usize, ranks: usize) {
    assert!(
        counts.len() == ranks && displs.len() == ranks,
        "one block per rank"
    );
    for (&c, &d) in counts.iter().zip(displs) {
        assert!(
            c >= 0 && d >= 0 && d as usize + c as usize <= len,
            "a block inside the buffer"
        );
    }
}

/// `MPI_Bcast` of `buf` from `root` (collective; `buf` has the same length on every rank).
pub(crate) fn broadcast<T: Equivalence>(
    comm: &SimpleCommunicator,
    root: i32,
    buf: &mut [T],
    what: &str,
) -> Result<()> {
    let n = count(buf.len(), what)?;
    // SAFETY: `buf` is a live, exclusively borrowed buffer of `n` elements of `T`'s MPI
    // datatype; MPI writes at most `n` elements into it and keeps no pointer after returning.
    let code = unsafe {
        ffi::MPI_Bcast(
            buf.as_mut_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            root,
            comm.as_raw(),
        )
    };
    check(code, comm, what, "MPI_Bcast")
}

/// `MPI_Allgather`: `recv` gets every rank's `send`, in rank order (collective).
pub(crate) fn all_gather<T: Equivalence>(
    comm: &SimpleCommunicator,
    send: &[T],
    recv: &mut [T],
    what: &str,
) -> Result<()> {
    assert_eq!(
        recv.len(),
        send.len() * comm.size() as usize,
        "a block per rank"
    );
    let n = count(send.len(), what)?;
    // SAFETY: `send` holds `n` elements and `recv` `n` per rank (asserted), both of `T`'s
    // datatype; MPI keeps no pointer after returning.
    let code = unsafe {
        ffi::MPI_Allgather(
            send.as_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            recv.as_mut_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            comm.as_raw(),
        )
    };
    check(code, comm, what, "MPI_Allgather")
}

/// `MPI_Allgatherv`: rank `r`'s `send` lands at `displs[r]` in `recv`, which has room for
/// `counts[r]` elements there (collective).
pub(crate) fn all_gather_varcount<T: Equivalence>(
    comm: &SimpleCommunicator,
    send: &[T],
    recv: &mut [T],
    counts: &[i32],
    displs: &[i32],
    what: &str,
) -> Result<()> {
    assert_blocks(counts, displs, recv.len(), comm.size() as usize);
    let n = count(send.len(), what)?;
    // SAFETY: `send` holds `n` elements; every block of `recv` lies inside it (asserted);
    // all of `T`'s datatype, and MPI keeps no pointer after returning.
    let code = unsafe {
        ffi::MPI_Allgatherv(
            send.as_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            recv.as_mut_ptr().cast::<c_void>(),
            counts.as_ptr(),
            displs.as_ptr(),
            datatype::<T>(),
            comm.as_raw(),
        )
    };
    check(code, comm, what, "MPI_Allgatherv")
}

/// `MPI_Scatterv` from `root`: the root passes `Some((send, counts, displs))`, the others
/// `None`; every rank receives its block into `recv` (collective).
pub(crate) fn scatter_varcount<T: Equivalence>(
    comm: &SimpleCommunicator,
    root: i32,
    send: Option<(&[T], &[i32], &[i32])>,
    recv: &mut [T],
    what: &str,
) -> Result<()> {
    let n = count(recv.len(), what)?;
    let (sp, cp, dp) = match send {
        Some((s, c, d)) => {
            assert_blocks(c, d, s.len(), comm.size() as usize);
            (s.as_ptr().cast::<c_void>(), c.as_ptr(), d.as_ptr())
        }
        None => (std::ptr::null(), std::ptr::null(), std::ptr::null()),
    };
    // SAFETY: on the root every block of `send` lies inside it (asserted); elsewhere MPI
    // ignores the send arguments (null). `recv` holds `n` elements; all of `T`'s datatype,
    // and MPI keeps no pointer after returning.
    let code = unsafe {
        ffi::MPI_Scatterv(
            sp,
            cp,
            dp,
            datatype::<T>(),
            recv.as_mut_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            root,
            comm.as_raw(),
        )
    };
    check(code, comm, what, "MPI_Scatterv")
}

/// `MPI_Gatherv` to `root`: every rank sends `send`; the root passes
/// `Some((recv, counts, displs))`, the others `None` (collective).
pub(crate) fn gather_varcount<T: Equivalence>(
    comm: &SimpleCommunicator,
    root: i32,
    send: &[T],
    recv: Option<(&mut [T], &[i32], &[i32])>,
    what: &str,
) -> Result<()> {
    let n = count(send.len(), what)?;
    let (rp, cp, dp) = match recv {
        Some((r, c, d)) => {
            assert_blocks(c, d, r.len(), comm.size() as usize);
            (r.as_mut_ptr().cast::<c_void>(), c.as_ptr(), d.as_ptr())
        }
        None => (std::ptr::null_mut(), std::ptr::null(), std::ptr::null()),
    };
    // SAFETY: `send` holds `n` elements; on the root every block of `recv` lies inside it
    // (asserted), elsewhere MPI ignores the receive arguments (null); all of `T`'s datatype,
    // and MPI keeps no pointer after returning.
    let code = unsafe {
        ffi::MPI_Gatherv(
            send.as_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            rp,
            cp,
            dp,
            datatype::<T>(),
            root,
            comm.as_raw(),
        )
    };
    check(code, comm, what, "MPI_Gatherv")
}

/// A blocking `MPI_Send` of `buf` to rank `to`.
pub(crate) fn send<T: Equivalence>(
    comm: &SimpleCommunicator,
    to: i32,
    tag: i32,
    buf: &[T],
    what: &str,
) -> Result<()> {
    let n = count(buf.len(), what)?;
    // SAFETY: `buf` holds `n` elements of `T`'s datatype; the call returns once MPI is done
    // with it.
    let code = unsafe {
        ffi::MPI_Send(
            buf.as_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            to,
            tag,
            comm.as_raw(),
        )
    };
    check(code, comm, what, "MPI_Send")
}

/// A blocking `MPI_Recv` into `buf` from rank `from` (at most `buf.len()` elements).
pub(crate) fn receive<T: Equivalence>(
    comm: &SimpleCommunicator,
    from: i32,
    tag: i32,
    buf: &mut [T],
    what: &str,
) -> Result<()> {
    let n = count(buf.len(), what)?;
    // SAFETY: `buf` has room for `n` elements of `T`'s datatype, more than MPI may write (a
    // longer message is MPI_ERR_TRUNCATE, not an overrun); the call returns once MPI is done
    // with it, and the status is ignored.
    let code = unsafe {
        ffi::MPI_Recv(
            buf.as_mut_ptr().cast::<c_void>(),
            n,
            datatype::<T>(),
            from,
            tag,
            comm.as_raw(),
            ffi::RSMPI_STATUS_IGNORE,
        )
    };
    check(code, comm, what, "MPI_Recv")
}

/// One non-blocking message of a [`Batch`].
struct Post {
    receive: bool,
    buf: *mut c_void,
    count: c_int,
    datatype: ffi::MPI_Datatype,
    peer: c_int,
    tag: c_int,
}

/// Non-blocking sends and receives to post together ([`exchange`]); the buffers stay
/// borrowed (`'a`) until the batch has been exchanged.
pub struct Batch<'a> {
    posts: Vec<Post>,
    bufs: PhantomData<&'a mut [u8]>,
}

impl<'a> Batch<'a> {
    /// An empty batch.
    pub(crate) fn new() -> Self {
        Batch {
            posts: Vec::new(),
            bufs: PhantomData,
        }
    }

    /// Sends `buf` to rank `to`.
    pub(crate) fn send<T: Equivalence>(
        &mut self,
        to: usize,
        tag: i32,
        buf: &'a [T],
        what: &str,
    ) -> Result<()> {
        self.posts.push(Post {
            receive: false,
            buf: buf.as_ptr().cast_mut().cast::<c_void>(),
            count: count(buf.len(), what)?,
            datatype: datatype::<T>(),
            peer: count(to, what)?,
            tag,
        });
        Ok(())
    }

    /// Receives at most `buf.len()` elements from rank `from` into `buf`.
    pub(crate) fn receive<T: Equivalence>(
        &mut self,
        from: usize,
        tag: i32,
        buf: &'a mut [T],
        what: &str,
    ) -> Result<()> {
        self.posts.push(Post {
            receive: true,
            buf: buf.as_mut_ptr().cast::<c_void>(),
            count: count(buf.len(), what)?,
            datatype: datatype::<T>(),
            peer: count(from, what)?,
            tag,
        });
        Ok(())
    }
}

/// The requests of an exchange in flight; dropping it completes them (so that no buffer is
/// released while MPI may still read or write it, also when a panic unwinds past).
struct InFlight {
    reqs: Vec<ffi::MPI_Request>,
    /// Whether MPI failed: the receives still pending are then cancelled rather than waited
    /// for (their sender may be what failed). After a panic they are waited for: the peers
    /// are sound and send as usual, and a cancelled receive would leave their message to be
    /// matched by the next exchange.
    failed: bool,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        for req in self.reqs.iter_mut() {
            // SAFETY: `req` is a request this exchange posted (or MPI_REQUEST_NULL, which is
            // skipped); MPI_Cancel on a completed request is harmless, and MPI_Wait returns
            // once MPI no longer uses the buffer, then frees the request. Codes are ignored:
            // there is no caller left to report to.
            unsafe {
                if *req != ffi::RSMPI_REQUEST_NULL {
                    if self.failed {
                        ffi::MPI_Cancel(req);
                    }
                    ffi::MPI_Wait(req, ffi::RSMPI_STATUS_IGNORE);
                }
            }
        }
    }
}

/// Lets MPI move an [`exchange`]'s messages on while the caller computes.
pub(crate) struct Progress<'r> {
    reqs: &'r mut InFlight,
    failed: Option<c_int>,
    done: bool,
}

impl Progress<'_> {
    /// One `MPI_Testall` over the exchange's requests (Open MPI moves a large message on
    /// shared memory only inside MPI calls). An error is kept for [`exchange`] to report.
    pub(crate) fn poll(&mut self) {
        if self.done || self.failed.is_some() {
            return;
        }
        let mut flag: c_int = 0;
        // SAFETY: the requests are the exchange's own, posted and not yet freed; MPI sets
        // the completed ones to MPI_REQUEST_NULL only when all are complete.
        let code = unsafe {
            ffi::MPI_Testall(
                self.reqs.reqs.len() as c_int,
                self.reqs.reqs.as_mut_ptr(),
                &mut flag,
                ffi::RSMPI_STATUSES_IGNORE,
            )
        };
        if code != SUCCESS {
            self.failed = Some(code);
        } else if flag != 0 {
            self.done = true;
        }
    }
}

/// Posts every message of `batch` on `comm` (receives first), runs `during` (the work that
/// needs none of them; it may call [`Progress::poll`]), then waits for them all. `Err` of
/// kind `Mpi` for the first failure of a post, a poll or the wait; the buffers are released
/// only once MPI is done with them.
pub(crate) fn exchange<R>(
    comm: &SimpleCommunicator,
    batch: Batch<'_>,
    what: &str,
    during: impl FnOnce(&mut Progress<'_>) -> R,
) -> Result<R> {
    let mut posts = batch.posts;
    posts.sort_by_key(|p| !p.receive);
    let mut flight = InFlight {
        reqs: Vec::with_capacity(posts.len()),
        failed: false,
    };
    // SAFETY: MPI_REQUEST_NULL, a constant the C library initialised before `main`.
    let null = unsafe { ffi::RSMPI_REQUEST_NULL };
    for p in &posts {
        let mut req = null;
        // SAFETY: `p.buf` points to `p.count` elements of `p.datatype` in a buffer the
        // batch borrowed (shared for a send, exclusive for a receive) for longer than this
        // call; `flight` waits for the request before that borrow ends.
        let code = unsafe {
            if p.receive {
                ffi::MPI_Irecv(
                    p.buf,
                    p.count,
                    p.datatype,
                    p.peer,
                    p.tag,
                    comm.as_raw(),
                    &mut req,
                )
            } else {
                ffi::MPI_Isend(
                    p.buf.cast_const(),
                    p.count,
                    p.datatype,
                    p.peer,
                    p.tag,
                    comm.as_raw(),
                    &mut req,
                )
            }
        };
        if code != SUCCESS {
            let op = if p.receive {
                format!("MPI_Irecv of {} elements from rank {}", p.count, p.peer)
            } else {
                format!("MPI_Isend of {} elements to rank {}", p.count, p.peer)
            };
            flight.failed = true;
            return Err(check(code, comm, what, &op).expect_err("a failure"));
        }
        flight.reqs.push(req);
    }
    let mut progress = Progress {
        reqs: &mut flight,
        failed: None,
        done: false,
    };
    let out = during(&mut progress);
    let (failed, done) = (progress.failed, progress.done);
    if let Some(code) = failed {
        flight.failed = true;
        return Err(check(code, comm, what, "MPI_Testall").expect_err("a failure"));
    }
    if !done {
        // SAFETY: the requests are the exchange's own, posted and not yet freed; MPI frees
        // each as it completes and sets it to MPI_REQUEST_NULL.
        let code = unsafe {
            ffi::MPI_Waitall(
                flight.reqs.len() as c_int,
                flight.reqs.as_mut_ptr(),
                ffi::RSMPI_STATUSES_IGNORE,
            )
        };
        if code != SUCCESS {
            flight.failed = true;
            return Err(check(code, comm, what, "MPI_Waitall").expect_err("a failure"));
        }
    }
    flight.reqs.clear();
    Ok(out)
}
