/*
 * vm/vmclock_file.c — the page file, the counter and paired readings (see
 * vmclock_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "vm/vmclock_file.h"

struct vm_vmclock_file {
	int fd;
	struct vm_vmclock_abi *page;
	uint64_t marker;
};

int vm_vmclock_counter_id(void)
{
#if defined(__x86_64__)
	return VM_VMCLOCK_COUNTER_X86_TSC;
#elif defined(__aarch64__)
	return VM_VMCLOCK_COUNTER_ARM_VCNT;
#else
	return -EOPNOTSUPP;
#endif
}

uint64_t vm_vmclock_counter_read(void *ctx)
{
	(void)ctx;
#if defined(__x86_64__)
	uint64_t t;

	_mm_lfence(); /* not before the instructions ahead of it */
	t = __rdtsc();
	_mm_lfence(); /* nor after those behind it */
	return t;
#elif defined(__aarch64__)
	uint64_t t;

	__asm__ __volatile__("isb\n\tmrs %0, cntvct_el0" : "=r"(t) : : "memory");
	return t;
#else
	return 0;
#endif
}

int vm_vmclock_pairs(struct vm_vmclock_pair *p, int n)
{
	for (int i = 0; i < n; i++) {
		struct timespec ts;

		p[i].before = vm_vmclock_counter_read(NULL);
		if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
			return -errno;
		p[i].after = vm_vmclock_counter_read(NULL);
		p[i].clock_ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	return 0;
}

/* A new page file, made whole under PATH.tmp and renamed into place. */
static int file_create(const char *path, uint8_t counter_id, uint64_t marker)
{
	struct vm_vmclock_abi p;
	char tmp[4200];
	char *page;
	int fd, err = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	page = calloc(1, VM_VMCLOCK_PAGE_SIZE);
	if (!page)
		return -ENOMEM;
	vm_vmclock_init(&p, counter_id);
	p.disruption_marker = marker;
	memcpy(page, &p, sizeof(p));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		err = -errno;
	else if (write(fd, page, VM_VMCLOCK_PAGE_SIZE) !=
		 (ssize_t)VM_VMCLOCK_PAGE_SIZE)
		err = errno ? -errno : -EIO;
	if (fd >= 0 && close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, path) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	free(page);
	return err;
}

/* An existing page reused: the constant fields written afresh (under the
 * lock, so a reader that maps it now never sees them half-made), the
 * marker moved on from its own. */
static void file_reuse(struct vm_vmclock_file *f, uint8_t counter_id)
{
	struct vm_vmclock_abi *pg = f->page, p;
	bool ours = pg->magic == VM_VMCLOCK_MAGIC &&
		    pg->version == VM_VMCLOCK_VERSION;

	if (ours)
		f->marker = pg->disruption_marker + 1;
	vm_vmclock_init(&p, counter_id);
	p.disruption_marker = f->marker;
	__atomic_store_n(&pg->seq_count, pg->seq_count | 1u, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	pg->magic = p.magic;
	pg->size = p.size;
	pg->version = p.version;
	pg->counter_id = p.counter_id;
	pg->time_type = p.time_type;
	__atomic_store_n(&pg->seq_count, pg->seq_count + 1u, __ATOMIC_RELEASE);
	vm_vmclock_write(pg, &p);
}

int vm_vmclock_file_open(struct vm_vmclock_file **out, const char *path,
			 uint8_t counter_id, uint64_t marker_seed)
{
	struct vm_vmclock_file *f;
	bool existed = access(path, F_OK) == 0;
	int err;

	if (!existed) {
		err = file_create(path, counter_id, marker_seed);
		if (err < 0)
			return err;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->marker = marker_seed;
	f->fd = open(path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0 || ftruncate(f->fd, VM_VMCLOCK_PAGE_SIZE) < 0) {
		err = -errno;
		goto fail;
	}
	f->page = mmap(NULL, VM_VMCLOCK_PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_SHARED, f->fd, 0);
	if (f->page == MAP_FAILED) {
		err = -errno;
		f->page = NULL;
		goto fail;
	}
	if (existed)
		file_reuse(f, counter_id);
	*out = f;
	return 0;
fail:
	if (f->fd >= 0)
		close(f->fd);
	free(f);
	return err;
}

uint64_t vm_vmclock_file_marker(const struct vm_vmclock_file *f)
{
	return f->marker;
}

void vm_vmclock_file_publish(struct vm_vmclock_file *f,
			     const struct vm_vmclock_abi *content)
{
	vm_vmclock_write(f->page, content);
}

void vm_vmclock_file_close(struct vm_vmclock_file *f)
{
	struct vm_vmclock_abi p;

	if (!f)
		return;
	p = *f->page;
	p.clock_status = VM_VMCLOCK_STATUS_UNRELIABLE;
	p.flags &= ~(VM_VMCLOCK_FLAG_TIME_ESTERROR_VALID |
		     VM_VMCLOCK_FLAG_TIME_MAXERROR_VALID |
		     VM_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID |
		     VM_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID);
	vm_vmclock_write(f->page, &p);
	msync(f->page, VM_VMCLOCK_PAGE_SIZE, MS_SYNC);
	munmap(f->page, VM_VMCLOCK_PAGE_SIZE);
	close(f->fd);
	free(f);
}

int vm_vmclock_map(const char *path, const struct vm_vmclock_abi **page,
		   size_t *len)
{
	struct stat st;
	void *m;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (st.st_size < (off_t)sizeof(struct vm_vmclock_abi))
		err = -EINVAL;
	if (err) {
		close(fd);
		return err;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	err = m == MAP_FAILED ? -errno : 0;
	close(fd);
	if (err)
		return err;
	*page = m;
	*len = (size_t)st.st_size;
	return 0;
}

void vm_vmclock_unmap(const struct vm_vmclock_abi *page, size_t len)
{
	if (page)
		munmap((void *)page, len);
}
